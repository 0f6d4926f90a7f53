using Platform.Sidecar.Hosting;
using Platform.Sidecar.State;

namespace Platform.Sidecar.Tests.Hosting;

/// <summary>The command-line contract and key prefixing.</summary>
public sealed class SidecarOptionsTests
{
    private static (SidecarOptions? Options, IReadOnlyList<string> Errors) Parse(params string[] args) =>
        SidecarOptions.Parse(args, name => name == "DAPR_API_TOKEN" ? "t1" : null, "/work");

    [Fact]
    public void Full_command_line_parses()
    {
        var (o, errors) = Parse("--app-id", "orders", "--app-port", "5000", "--dapr-http-port", "3500", "--dapr-grpc-port=50001",
            "--resources-path", "components/local", "--resources-path", "/abs", "--app-protocol", "http", "--app-channel-address", "127.0.0.2",
            "--registry-dir", "reg", "--metrics-port", "9090", "--log-level", "debug");
        Assert.Empty(errors);
        Assert.Equal("orders", o!.AppId);
        Assert.Equal(5000, o.AppPort);
        Assert.Equal(50001, o.GrpcPort);
        Assert.Equal(["/work/components/local", "/abs"], o.ResourcesPaths);
        Assert.Equal("/work/reg", o.RegistryDir);
        Assert.Equal(new Uri("http://127.0.0.2:5000"), o.AppBaseUrl);
        Assert.Equal("t1", o.ApiToken);
        Assert.Null(o.AppApiToken);
    }

    [Theory]
    [InlineData("0")]
    [InlineData(null)]
    public void No_app_port_means_no_app(string? port)
    {
        var args = new List<string> { "--app-id", "a", "--dapr-http-port", "1", "--dapr-grpc-port", "2" };
        if (port is not null) args.AddRange(["--app-port", port]);
        var (o, _) = SidecarOptions.Parse(args, _ => null, "/w");
        Assert.Null(o!.AppPort);
        Assert.Null(o.AppBaseUrl);
        Assert.Equal("/w/.platform/run/sidecars", o.RegistryDir);
    }

    [Theory]
    [InlineData(null, 4L * 1024 * 1024)] // daprd's default
    [InlineData("16Mi", 16L * 1024 * 1024)]
    [InlineData("512Ki", 512L * 1024)]
    [InlineData("1Gi", 1L << 30)]
    [InlineData("2M", 2_000_000L)]
    [InlineData("4096", 4096L)]
    public void Max_body_size_takes_daprd_quantities(string? value, long bytes)
    {
        string[] args = ["--app-id", "a", "--dapr-http-port", "1", "--dapr-grpc-port", "2"];
        var (o, errors) = Parse(value is null ? args : [.. args, "--max-body-size", value]);
        Assert.Empty(errors);
        Assert.Equal(bytes, o!.MaxBodySize);
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("0")]
    [InlineData("-1Mi")]
    [InlineData("4Ti")]
    [InlineData("99999999999Gi")]
    public void A_bad_max_body_size_names_the_flag(string value)
    {
        var (o, errors) = Parse(["--app-id", "a", "--dapr-http-port", "1", "--dapr-grpc-port", "2", "--max-body-size", value]);
        Assert.Null(o);
        Assert.Contains(errors, e => e.StartsWith($"--max-body-size: '{value}' is not a size", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--app-id: is required", "--dapr-http-port", "1", "--dapr-grpc-port", "2")]
    [InlineData("--dapr-grpc-port: must differ", "--app-id", "a", "--dapr-http-port", "1", "--dapr-grpc-port", "1")]
    [InlineData("--app-protocol: 'grpc' is not supported", "--app-id", "a", "--dapr-http-port", "1", "--dapr-grpc-port", "2", "--app-protocol", "grpc")]
    [InlineData("--bogus: unknown flag", "--app-id", "a", "--dapr-http-port", "1", "--dapr-grpc-port", "2", "--bogus", "x")]
    [InlineData("--dapr-http-port: '70000' is not a port number", "--app-id", "a", "--dapr-http-port", "70000", "--dapr-grpc-port", "2")]
    [InlineData("--app-id: 'a||b' must not contain", "--app-id", "a||b", "--dapr-http-port", "1", "--dapr-grpc-port", "2")]
    public void Bad_command_lines_name_the_flag(string error, params string[] args)
    {
        var (o, errors) = Parse(args);
        Assert.Null(o);
        Assert.Contains(errors, e => e.StartsWith(error, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, "app||k")]
    [InlineData("appid", "app||k")]
    [InlineData("name", "store||k")]
    [InlineData("none", "k")]
    [InlineData("custom", "custom||k")]
    public void State_keys_are_prefixed_like_Dapr(string? keyPrefix, string want) =>
        Assert.Equal(want, StateKeys.Stored("app", "store", keyPrefix, "k"));
}
