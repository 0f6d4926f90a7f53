using Platform.Sidecar.Tests.Infrastructure;
using Platform.Testing;

namespace Platform.Sidecar.Tests.Hosting;

/// <summary>Bad command lines and resource files stop the sidecar with exit code 2 and a message naming the culprit.</summary>
public sealed class StartupTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Missing_required_flags_exit_2_naming_them()
    {
        var (code, output) = await SidecarProcess.RunToExitAsync(["--app-port", "abc"], Timeout);
        Assert.Equal(2, code);
        Assert.Contains("--app-id: is required", output);
        Assert.Contains("--app-port: 'abc' is not a port number", output);
        Assert.Contains("--dapr-http-port: is required", output);
    }

    [Theory]
    [InlineData("apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: kafka\nspec:\n  type: pubsub.kafka\n  version: v1\n", "spec.type", "pubsub.kafka")]
    [InlineData("apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: store\nspec:\n  type: state.redis\n  version: v1\n", "spec.metadata.redisHost", "requires redisHost")]
    [InlineData("apiVersion: dapr.io/v1alpha1\nkind: Resiliency\nmetadata:\n  name: r\nspec:\n  policies:\n    retries:\n      p:\n        policy: sometimes\n", "spec.policies.retries.p.policy", "sometimes")]
    [InlineData("kind: Component\nmetadata:\n  name: [unclosed\n", "line", "invalid YAML")]
    public async Task Bad_resource_files_exit_2_naming_file_and_field(string yaml, string field, string reason)
    {
        using var environment = new SidecarEnvironment().WithFile("bad.yaml", yaml);
        var (code, output) = await SidecarProcess.RunToExitAsync(
            ["--app-id", "x", "--dapr-http-port", FreePort.Next().ToString(), "--dapr-grpc-port", FreePort.Next().ToString(), "--resources-path", environment.ResourcesPath, "--registry-dir", environment.RegistryPath],
            Timeout);
        Assert.Equal(2, code);
        Assert.Contains("bad.yaml", output);
        Assert.Contains(field, output);
        Assert.Contains(reason, output);
    }
}
