using Platform.Cli.Runner.Launch;
using Platform.Cli.Runner.Logs;
using Platform.Cli.Runner.RunFile;

namespace Platform.Cli.Tests.Runner;

public class LaunchTests
{
    private static AppSpec App(string id = "hello", int? appPort = 5100) => new()
    {
        AppId = id,
        Index = 0,
        AppDirPath = "/repo/svc",
        AppPort = appPort,
        DaprHttpPort = 3500,
        DaprGrpcPort = 50001,
        MetricsPort = 9090,
        Command = ["dotnet", "run"],
        Env = new Dictionary<string, string> { ["DOTNET_ENVIRONMENT"] = "Development", ["DAPR_HTTP_PORT"] = "1" },
        ResourcesPaths = ["/repo/components/local", "/repo/extra"],
    };

    [Fact]
    public void App_gets_the_Dapr_CLI_environment_over_its_own()
    {
        var env = AppEnvironment.ForApp(new AppLaunch(App(), new AppPorts(5100, 3500, 50001, 9090), []));
        Assert.Equal(new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["APP_ID"] = "hello",
            ["APP_PORT"] = "5100",
            ["APP_CHANNEL_ADDRESS"] = "127.0.0.1",
            ["APP_PROTOCOL"] = "http",
            ["DAPR_HTTP_PORT"] = "3500",
            ["DAPR_GRPC_PORT"] = "50001",
            ["DAPR_METRICS_PORT"] = "9090",
        }, env.Set);
        Assert.Equal(["ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_URLS"], env.Remove);
    }

    [Fact]
    public void App_without_a_port_gets_no_APP_PORT_and_keeps_urls_it_sets_itself()
    {
        var app = App(appPort: null) with { Env = new Dictionary<string, string> { ["ASPNETCORE_URLS"] = "http://127.0.0.1:1" } };
        var env = AppEnvironment.ForApp(new AppLaunch(app, new AppPorts(null, 3500, 50001, 9090), []));
        Assert.False(env.Set.ContainsKey("APP_PORT"));
        Assert.Equal("http://127.0.0.1:1", env.Set["ASPNETCORE_URLS"]);
        Assert.DoesNotContain("ASPNETCORE_URLS", env.Remove);
    }

    [Fact]
    public void Sidecar_arguments_follow_the_contract()
    {
        var launch = new AppLaunch(App(), new AppPorts(5100, 3500, 50001, 9090), ["/repo/components/local", "/repo/extra"]);
        Assert.Equal(
            [
                "--app-id", "hello", "--app-port", "5100", "--dapr-http-port", "3500", "--dapr-grpc-port", "50001",
                "--resources-path", "/repo/components/local", "--resources-path", "/repo/extra",
                "--app-protocol", "http", "--app-channel-address", "127.0.0.1", "--registry-dir", "/r", "--metrics-port", "9090",
            ],
            SidecarArguments.For(launch, "/r"));
        var portless = launch with { Ports = launch.Ports with { App = null } };
        Assert.DoesNotContain("--app-port", SidecarArguments.For(portless, "/r"));
    }

    [Fact]
    public void Planner_keeps_given_ports_and_picks_free_ones_for_the_rest()
    {
        var apps = new[]
        {
            App(),
            App("other", appPort: null) with { DaprHttpPort = null, DaprGrpcPort = null, MetricsPort = null, Index = 1 },
        };
        var offered = new Queue<int>([3500, 40000, 40001, 40002]);
        var launches = LaunchPlanner.Plan(apps, taken =>
        {
            int p;
            do p = offered.Dequeue(); while (taken.Contains(p));
            return p;
        });
        Assert.Equal(new AppPorts(5100, 3500, 50001, 9090), launches[0].Ports);
        Assert.Equal(new AppPorts(null, 40000, 40001, 40002), launches[1].Ports);
        Assert.Equal(
            ["hello appPort 5100", "hello daprHTTPPort 3500", "hello daprGRPCPort 50001", "hello metricsPort 9090",
             "other daprHTTPPort 40000", "other daprGRPCPort 40001", "other metricsPort 40002"],
            LaunchPlanner.Claims(launches).Select(c => $"{c.AppId} {c.Field} {c.Port}"));
    }

    [Theory]
    [InlineData("activator", 18, "line", null, "activator          | line")]
    [InlineData("activator (dapr)", 18, "a\rb", null, "activator (dapr)   | ab")]
    [InlineData("x", 1, "y", "\u001b[36m", "\u001b[36mx\u001b[0m | y")]
    public void Log_lines_are_prefixed_with_the_padded_name(string name, int width, string line, string? colour, string want) =>
        Assert.Equal(want, LogPrefix.Format(name, width, line, colour));

    [Fact]
    public void Prefix_width_fits_the_longest_sidecar_name() =>
        Assert.Equal("serving-controller (dapr)".Length, LogPrefix.Width(["activator", "serving-controller"]));
}
