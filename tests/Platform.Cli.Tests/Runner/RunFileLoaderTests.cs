using Platform.Cli.Runner.RunFile;

namespace Platform.Cli.Tests.Runner;

public class RunFileLoaderTests
{
    private const string Base = "/repo";
    private static readonly HashSet<string> Folders = ["/repo/svc", "/repo/other", "/repo/components", "/repo/more", "/repo/other/.dapr/resources"];

    private static RunFileResult Load(string yaml) => RunFileLoader.Load(yaml, "dapr.yaml", "/repo/dapr.yaml", Folders.Contains);

    private const string App = """
          - appID: hello
            appDirPath: ./svc
            command: ["dotnet", "run"]
        """;

    // label, yaml, the exact problem(s) expected
    public static TheoryData<string, string, string[]> Invalid => new()
    {
        { "not a mapping", "- a\n- b", ["dapr.yaml: must be a YAML mapping with version and apps (Dapr's multi-app run format)"] },
        { "empty file", "", ["dapr.yaml: must be a YAML mapping with version and apps (Dapr's multi-app run format)"] },
        { "bad yaml", "version: 1\napps: [\n", ["dapr.yaml: not valid YAML at line 3, column 1: While parsing a node, did not find expected node content."] },
        { "version missing", "apps:\n" + App, ["dapr.yaml: version: is required (use 1)"] },
        { "version 2", "version: 2\napps:\n" + App, ["dapr.yaml: version: must be 1, got \"2\""] },
        { "apps missing", "version: 1", ["dapr.yaml: apps: must list at least one app"] },
        { "apps empty", "version: 1\napps: []", ["dapr.yaml: apps: must list at least one app"] },
        { "apps a mapping", "version: 1\napps: {a: 1}", ["dapr.yaml: apps: must be a list of apps, got a mapping"] },
        { "app a scalar", "version: 1\napps: [hello]", ["dapr.yaml: apps[0]: must be a mapping with appID, appDirPath and command, got \"hello\""] },
        { "appID missing", "version: 1\napps:\n  - appDirPath: ./svc\n    command: [x]", ["dapr.yaml: apps[0].appID: is required"] },
        { "appID with a dot", "version: 1\napps:\n  - appID: a.b\n    appDirPath: ./svc\n    command: [x]",
            ["dapr.yaml: apps[0].appID: must start with a letter or digit and hold only letters, digits, '-' and '_', got \"a.b\""] },
        { "appID twice", "version: 1\napps:\n" + App + "\n" + App, ["dapr.yaml: apps[1].appID: \"hello\" is already the appID of apps[0]"] },
        { "appDirPath missing", "version: 1\napps:\n  - appID: a\n    command: [x]", ["dapr.yaml: apps[0].appDirPath: is required (the folder the command runs in)"] },
        { "appDirPath not a folder", "version: 1\napps:\n  - appID: a\n    appDirPath: ./nope\n    command: [x]", ["dapr.yaml: apps[0].appDirPath: folder \"./nope\" does not exist"] },
        { "command missing", "version: 1\napps:\n  - appID: a\n    appDirPath: ./svc", ["dapr.yaml: apps[0].command: is required (a list such as [\"dotnet\", \"run\"])"] },
        { "command empty", "version: 1\napps:\n  - appID: a\n    appDirPath: ./svc\n    command: []", ["dapr.yaml: apps[0].command: must not be empty"] },
        { "command a string", "version: 1\napps:\n  - appID: a\n    appDirPath: ./svc\n    command: dotnet run",
            ["dapr.yaml: apps[0].command: must be a list of strings such as [\"dotnet\", \"run\"], got \"dotnet run\""] },
        { "command empty program", "version: 1\napps:\n  - appID: a\n    appDirPath: ./svc\n    command: [\"\", run]", ["dapr.yaml: apps[0].command[0]: must name the program to run"] },
        { "command nested list", "version: 1\napps:\n  - appID: a\n    appDirPath: ./svc\n    command: [dotnet, [run]]", ["dapr.yaml: apps[0].command[1]: must be a string, got a list"] },
        { "appPort too big", "version: 1\napps:\n" + App + "\n    appPort: 70000", ["dapr.yaml: apps[0].appPort: must be a port number 1-65535, got \"70000\""] },
        { "appPort zero", "version: 1\napps:\n" + App + "\n    appPort: 0", ["dapr.yaml: apps[0].appPort: must be a port number 1-65535, got \"0\""] },
        { "daprHTTPPort word", "version: 1\napps:\n" + App + "\n    daprHTTPPort: http", ["dapr.yaml: apps[0].daprHTTPPort: must be a port number 1-65535, got \"http\""] },
        { "daprGRPCPort negative", "version: 1\napps:\n" + App + "\n    daprGRPCPort: -1", ["dapr.yaml: apps[0].daprGRPCPort: must be a port number 1-65535, got \"-1\""] },
        { "metricsPort list", "version: 1\napps:\n" + App + "\n    metricsPort: [1]", ["dapr.yaml: apps[0].metricsPort: must be a port number 1-65535, got a list"] },
        { "port used twice", "version: 1\napps:\n  - appID: a\n    appDirPath: ./svc\n    command: [x]\n    appPort: 5000\n  - appID: b\n    appDirPath: ./svc\n    command: [x]\n    daprHTTPPort: 5000",
            ["dapr.yaml: apps[1].daprHTTPPort: port 5000 is already used by apps[0].appPort"] },
        { "protocol unknown", "version: 1\ncommon:\n  appProtocol: ftp\napps:\n" + App, ["dapr.yaml: common.appProtocol: must be one of http, https, grpc, grpcs, h2c, got \"ftp\""] },
        { "protocol grpc", "version: 1\napps:\n" + App + "\n    appProtocol: grpc",
            ["dapr.yaml: apps[0].appProtocol: \"grpc\" is not supported by the bundled sidecar, which calls apps over http (use --dapr to run the Dapr CLI)"] },
        { "resourcesPaths scalar", "version: 1\ncommon:\n  resourcesPaths: ./components\napps:\n" + App, ["dapr.yaml: common.resourcesPaths: must be a list of folders, got \"./components\""] },
        { "resourcesPaths missing folder", "version: 1\ncommon:\n  resourcesPaths: [./components, ./gone]\napps:\n" + App, ["dapr.yaml: common.resourcesPaths[1]: folder \"./gone\" does not exist"] },
        { "env a list", "version: 1\ncommon:\n  env: [A=1]\napps:\n" + App, ["dapr.yaml: common.env: must be a mapping of NAME: value, got a list"] },
        { "env value a mapping", "version: 1\napps:\n" + App + "\n    env:\n      A: {b: 1}", ["dapr.yaml: apps[0].env.A: must be a string, number or boolean, got a mapping"] },
        { "env bad name", "version: 1\napps:\n" + App + "\n    env:\n      1A: x", ["dapr.yaml: apps[0].env: \"1A\" is not a valid variable name"] },
        { "health check not bool", "version: 1\ncommon:\n  enableAppHealthCheck: yes\napps:\n" + App, ["dapr.yaml: common.enableAppHealthCheck: must be true or false, got \"yes\""] },
        { "health path relative", "version: 1\napps:\n" + App + "\n    appHealthCheckPath: healthz", ["dapr.yaml: apps[0].appHealthCheckPath: must be a path starting with /, got \"healthz\""] },
        { "log destination", "version: 1\napps:\n" + App + "\n    appLogDestination: stdout", ["dapr.yaml: apps[0].appLogDestination: must be file, console or fileAndConsole, got \"stdout\""] },
        { "common a list", "version: 1\ncommon: [a]\napps:\n" + App, ["dapr.yaml: common: must be a mapping, got a list"] },
        { "every error at once", "version: 3\napps:\n  - appID: a\n    appDirPath: ./nope\n    appPort: x\n    command: []\n  - appID: a\n    appDirPath: ./svc\n    command: [y]",
            [
                "dapr.yaml: version: must be 1, got \"3\"",
                "dapr.yaml: apps[0].appDirPath: folder \"./nope\" does not exist",
                "dapr.yaml: apps[0].appPort: must be a port number 1-65535, got \"x\"",
                "dapr.yaml: apps[0].command: must not be empty",
                "dapr.yaml: apps[1].appID: \"a\" is already the appID of apps[0]",
            ] },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Refuses_invalid_files_naming_the_field(string label, string yaml, string[] want)
    {
        var result = Load(yaml);
        Assert.Null(result.Model);
        Assert.True(want.SequenceEqual(result.Problems.Select(p => p.ToString())),
            $"{label}\nwant:\n  {string.Join("\n  ", want)}\ngot:\n  {string.Join("\n  ", result.Problems)}");
    }

    [Fact]
    public void Merges_common_under_each_app()
    {
        var result = Load("""
            version: 1
            common:
              resourcesPaths: [./components]
              appProtocol: http
              enableAppHealthCheck: true
              appHealthCheckPath: /ready
              appLogDestination: file
              env:
                SHARED: common
                OVERRIDDEN: common
            apps:
              - appID: hello
                appDirPath: ./svc
                appPort: 5100
                daprHTTPPort: 3500
                daprGRPCPort: 50001
                metricsPort: 9090
                command: ["dotnet", "run"]
                env:
                  OVERRIDDEN: app
                  PORTS: 8080
              - appID: own-resources
                appDirPath: ./svc
                resourcesPaths: [./more]
                appHealthCheckPath: /healthz
                enableAppHealthCheck: false
                appLogDestination: console
                command: [x]
              - appID: dot-dapr
                appDirPath: ./other
                command: [x]
            """);
        Assert.Empty(result.Problems);
        var apps = result.Model!.Apps;

        var hello = apps[0];
        Assert.Equal(("hello", 0, "/repo/svc"), (hello.AppId, hello.Index, hello.AppDirPath));
        Assert.Equal((5100, 3500, 50001, 9090), (hello.AppPort, hello.DaprHttpPort, hello.DaprGrpcPort, hello.MetricsPort));
        Assert.Equal(["dotnet", "run"], hello.Command);
        Assert.Equal(new Dictionary<string, string> { ["SHARED"] = "common", ["OVERRIDDEN"] = "app", ["PORTS"] = "8080" }, hello.Env);
        Assert.Equal(["/repo/components"], hello.ResourcesPaths);
        Assert.True(hello.EnableAppHealthCheck);
        Assert.Equal("/ready", hello.AppHealthCheckPath);
        Assert.Equal(LogDestination.File, hello.AppLogDestination);
        Assert.Equal(LogDestination.FileAndConsole, hello.DaprdLogDestination);

        var own = apps[1];
        Assert.Equal(["/repo/more"], own.ResourcesPaths);
        Assert.False(own.EnableAppHealthCheck);
        Assert.Equal("/healthz", own.AppHealthCheckPath);
        Assert.Equal(LogDestination.Console, own.AppLogDestination);
        Assert.Null(own.AppPort);
        Assert.Null(own.DaprHttpPort);

        // app > {appDirPath}/.dapr/resources > common
        Assert.Equal(["/repo/other/.dapr/resources"], apps[2].ResourcesPaths);
    }

    [Fact]
    public void Defaults_follow_the_Dapr_CLI()
    {
        var app = Load("version: 1\napps:\n" + App).Model!.Apps.Single();
        Assert.Equal("http", app.AppProtocol);
        Assert.False(app.EnableAppHealthCheck);
        Assert.Equal("/healthz", app.AppHealthCheckPath);
        Assert.Empty(app.ResourcesPaths);
        Assert.Empty(app.Env);
    }

    [Fact]
    public void Unknown_fields_are_warnings_and_known_Dapr_fields_are_silent()
    {
        var result = Load("version: 1\nnmae: x\ncommon:\n  appPort: 1\n  logLevel: debug\napps:\n" + App + "\n    apPort: 5\n    configFilePath: ./c.yaml");
        Assert.Empty(result.Problems);
        Assert.Equal(
            [
                "dapr.yaml: nmae: unknown field (ignored)",
                "dapr.yaml: common.appPort: belongs to each app, not to common (ignored)",
                "dapr.yaml: apps[0].apPort: unknown field (ignored)",
            ],
            result.Warnings.Select(w => w.ToString()));
    }

    [Fact]
    public void The_repository_dapr_yaml_is_valid()
    {
        var root = RepoRoot.Path;
        var result = RunFileLoader.LoadFile(System.IO.Path.Combine(root, "dapr.yaml"), "dapr.yaml");
        Assert.Empty(result.Problems);
        Assert.Equal(["serving-controller", "activator", "autoscaler", "broker", "sources"], result.Model!.Apps.Select(a => a.AppId));
        Assert.All(result.Model.Apps, a => Assert.Equal([System.IO.Path.Combine(root, "components", "local")], a.ResourcesPaths));
    }

    [Fact]
    public void A_missing_file_is_a_problem_not_an_exception()
    {
        var result = RunFileLoader.LoadFile("/nonexistent/dapr.yaml", "dapr.yaml");
        Assert.Equal("dapr.yaml: file not found (pass -f FILE, or run from the folder that holds dapr.yaml)", Assert.Single(result.Problems).ToString());
    }
}
