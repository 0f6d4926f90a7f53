using Platform.Cli.Commands.Deploy;
using Platform.Cli.Output;
using Platform.Resources.Crds;

namespace Platform.Cli.Tests.Commands.Deploy;

/// <summary><c>platform deploy crds</c> and <c>platform deploy images</c>, in process (no docker runs).</summary>
public sealed class DeployCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("platform-deploy-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await PlatformCli.InvokeAsync(args, new Terminal(output, error, false, false));
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Crds_writes_one_file_per_kind_and_check_finds_a_stale_one()
    {
        var (code, output, _) = await RunAsync("deploy", "crds", "-o", _dir.FullName);
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("wrote 17 CRDs", output);
        Assert.Equal(CustomResourceDefinitions.Files().Select(f => f.FileName).Order(), _dir.GetFiles("*.yaml").Select(f => f.Name).Order());
        Assert.Equal(ExitCode.Ok, (await RunAsync("deploy", "crds", "-o", _dir.FullName, "--check")).Code);

        File.AppendAllText(Path.Combine(_dir.FullName, "routes.serving.knative.dev.yaml"), "# edited\n");
        var (stale, _, error) = await RunAsync("deploy", "crds", "-o", _dir.FullName, "--check");
        Assert.Equal(ExitCode.Failure, stale);
        Assert.Contains("routes.serving.knative.dev.yaml", error);
        Assert.Contains("run `platform deploy crds`", error);
    }

    [Fact]
    public void Images_build_each_service_from_its_Dockerfile_and_push_when_asked()
    {
        var commands = DeployCommand.ImageCommands("registry.example/team/", "1.2.3", push: true).Select(c => string.Join(' ', c)).ToList();
        Assert.Equal(10, commands.Count);
        Assert.Contains("build -f services/activator/Dockerfile -t registry.example/team/activator:1.2.3 .", commands);
        Assert.Contains("push registry.example/team/serving-controller:1.2.3", commands);
        foreach (var service in DeployCommand.Services)
            Assert.True(File.Exists(Path.Combine(RepoRoot.Path, "services", service, "Dockerfile")), $"{service} has no Dockerfile");
    }
}
