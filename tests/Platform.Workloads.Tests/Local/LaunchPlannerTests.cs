using Platform.Serving.Contracts.Revisions;
using Platform.Workloads.Local;

namespace Platform.Workloads.Tests.Local;

public class LaunchPlannerTests
{
    private static readonly LocalBackendOptions Options = new() { BaseDirectory = "/srv/app", DockerSocketPath = "/run/docker.sock" };

    private static readonly RevisionWorkload Workload = new()
    {
        Revision = new RevisionKey("demo", "hello-00001"),
        Service = "hello",
        Configuration = "hello",
        Command = ["dotnet", "bin/app.dll"],
        Args = ["--urls", "x"],
        Env = [new("TARGET", "World"), new("PORT", "1")],
    };

    private static LaunchHost Host(bool docker = false, params string[] executables) => new(
        path => executables.Contains(path),
        dir => dir.StartsWith("/srv/app", StringComparison.Ordinal),
        new Dictionary<string, string> { ["PATH"] = "/usr/local/bin:/usr/bin", ["HOME"] = "/root", ["TARGET"] = "host" },
        docker);

    [Fact]
    public void Runs_the_command_in_the_working_directory_with_the_runtime_contract()
    {
        var plan = LaunchPlanner.Plan(Workload, Options, "hello-00001-1", 41234, Host(false, "/usr/bin/dotnet")).Plan!;

        Assert.Equal("/usr/bin/dotnet", plan.FileName);
        Assert.Equal(["bin/app.dll", "--urls", "x"], plan.Arguments);
        Assert.Equal("/srv/app", plan.WorkingDirectory);
        Assert.Equal("41234", plan.Environment["PORT"]);
        Assert.Equal("hello", plan.Environment["K_SERVICE"]);
        Assert.Equal("hello", plan.Environment["K_CONFIGURATION"]);
        Assert.Equal("hello-00001", plan.Environment["K_REVISION"]);
        Assert.Equal("World", plan.Environment["TARGET"]);
        Assert.Equal("/root", plan.Environment["HOME"]);
        Assert.Null(plan.DockerContainer);
    }

    [Fact]
    public void Does_not_inherit_the_host_environment_when_told_not_to()
    {
        var plan = LaunchPlanner.Plan(Workload with { Env = [new("PATH", "/usr/bin")] }, Options with { InheritedVariables = [] }, "r", 1, Host(false, "/usr/bin/dotnet")).Plan!;
        Assert.False(plan.Environment.ContainsKey("HOME"));
        Assert.Equal(["K_CONFIGURATION", "K_REVISION", "K_SERVICE", "PATH", "PORT"], plan.Environment.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_replica_gets_its_own_env_and_the_contract_never_the_controllers_credentials_or_settings()
    {
        var controller = new Dictionary<string, string>
        {
            ["PATH"] = "/usr/bin",
            ["HOME"] = "/root",
            ["LANG"] = "C.UTF-8",
            ["DAPR_API_TOKEN"] = "secret",
            ["APP_API_TOKEN"] = "secret",
            ["DAPR_HTTP_PORT"] = "3500",
            ["DAPR_GRPC_PORT"] = "50001",
            ["APP_PORT"] = "5100",
            ["ControlPlane__Admission"] = "knative",
            ["ASPNETCORE_URLS"] = "http://+:5100",
        };
        var host = new LaunchHost(path => path == "/usr/bin/dotnet", dir => dir.StartsWith("/srv/app", StringComparison.Ordinal), controller, false);
        var plan = LaunchPlanner.Plan(Workload, Options, "r", 1, host).Plan!;
        Assert.Equal(["HOME", "K_CONFIGURATION", "K_REVISION", "K_SERVICE", "LANG", "PATH", "PORT", "TARGET"], plan.Environment.Keys.Order(StringComparer.Ordinal));
    }

    public static TheoryData<string, RevisionWorkload, string[], string?, string?> Resolution => new()
    {
        { "relative working dir against the base", Workload with { WorkingDir = "samples/x", Command = ["./run.sh"] }, ["/srv/app/samples/x/run.sh"], "/srv/app/samples/x/run.sh", null },
        { "absolute command", Workload with { Command = ["/opt/bin/app"] }, ["/opt/bin/app"], "/opt/bin/app", null },
        { "first match on PATH", Workload with { Command = ["tool"] }, ["/usr/local/bin/tool", "/usr/bin/tool"], "/usr/local/bin/tool", null },
        { "spec PATH wins over the host's", Workload with { Command = ["tool"], Env = [new("PATH", "/opt/tools")] }, ["/opt/tools/tool", "/usr/bin/tool"], "/opt/tools/tool", null },
        { "missing on PATH", Workload with { Command = ["nope"] }, [], null, "CommandNotFound" },
        { "missing path", Workload with { Command = ["./nope"] }, [], null, "CommandNotFound" },
        { "missing working dir", Workload with { WorkingDir = "/elsewhere" }, ["/usr/bin/dotnet"], null, "WorkingDirNotFound" },
        { "image without command, no Docker", Workload with { Command = [], Image = "nginx" }, ["/usr/bin/docker"], null, "ContainerMissing" },
    };

    [Theory]
    [MemberData(nameof(Resolution))]
    public void Resolves_the_program(string label, RevisionWorkload workload, string[] executables, string? wantFile, string? wantReason)
    {
        var decision = LaunchPlanner.Plan(workload, Options, "r", 1, Host(false, executables));
        Assert.True((wantFile, wantReason) == (decision.Plan?.FileName, decision.Reason), $"{label}: got {decision}");
    }

    [Fact]
    public void Refuses_an_image_without_command_when_no_Docker_engine_answers()
    {
        var decision = LaunchPlanner.Plan(Workload with { Command = [], Image = "ghcr.io/x/hello" }, Options, "r", 1, Host(false, "/usr/bin/docker"));
        Assert.Equal(WorkloadFailureReasons.ContainerMissing, decision.Reason);
        Assert.Equal("Image \"ghcr.io/x/hello\" cannot run: no Docker engine is reachable at /run/docker.sock. Give the container a command (e.g. --cmd on the CLI) to run it as a local process.", decision.Message);
    }

    [Fact]
    public void Runs_an_image_with_docker_when_the_engine_answers()
    {
        var plan = LaunchPlanner.Plan(Workload with { Command = [], Image = "ghcr.io/x/hello", WorkingDir = "/app" }, Options, "hello-00001-2", 40000, Host(true, "/usr/bin/docker")).Plan!;
        Assert.Equal("/usr/bin/docker", plan.FileName);
        Assert.Equal(
            ["run", "--rm", "--name", "platform-demo-hello-00001-2", "--network", "host",
             "-e", "TARGET=World",
             "-e", "PORT=40000", "-e", "K_SERVICE=hello", "-e", "K_CONFIGURATION=hello", "-e", "K_REVISION=hello-00001",
             "--workdir", "/app", "ghcr.io/x/hello", "--urls", "x"],
            plan.Arguments);
        Assert.Equal("platform-demo-hello-00001-2", plan.DockerContainer);
    }

    [Fact]
    public void Sidecars_get_their_own_process_and_environment_without_the_runtime_contract()
    {
        var workload = Workload with { Sidecars = [new SidecarContainer { Name = "proxy", Command = ["envoy"], Args = ["-c", "e.yaml"], Env = [new("LEVEL", "debug")] }] };
        var plan = LaunchPlanner.Plan(workload, Options, "hello-00001-1", 41234, Host(false, "/usr/bin/dotnet", "/usr/local/bin/envoy")).Plan!;

        var sidecar = Assert.Single(plan.Sidecars);
        Assert.Equal(("proxy", "/usr/local/bin/envoy", "-c e.yaml"), (sidecar.Name, sidecar.Plan.FileName, string.Join(' ', sidecar.Plan.Arguments)));
        Assert.Equal("debug", sidecar.Plan.Environment["LEVEL"]);
        Assert.False(sidecar.Plan.Environment.ContainsKey("PORT"));
        Assert.Equal("/root", sidecar.Plan.Environment["HOME"]);

        var missing = LaunchPlanner.Plan(workload, Options, "r", 1, Host(false, "/usr/bin/dotnet"));
        Assert.Equal(WorkloadFailureReasons.CommandNotFound, missing.Reason);
        Assert.StartsWith("Sidecar \"proxy\": Command \"envoy\" not found", missing.Message);
    }

    [Theory]
    [InlineData("valueFrom on the serving container", "Container \"user-container\": PASSWORD comes from Secret \"db\" key \"password\"")]
    [InlineData("envFrom on a sidecar", "Container \"proxy\": envFrom ConfigMap \"settings\" exists only in Kubernetes")]
    public void ConfigMaps_and_Secrets_are_refused_locally_naming_the_variable(string label, string message)
    {
        var workload = label.StartsWith("valueFrom", StringComparison.Ordinal)
            ? Workload with { Env = [.. Workload.Env, new("PASSWORD", "", new EnvironmentReference(EnvironmentReference.Secret, "db", "password", false))] }
            : Workload with { Sidecars = [new SidecarContainer { Name = "proxy", Command = ["envoy"], EnvFrom = [new EnvironmentReference(EnvironmentReference.ConfigMap, "settings", null, false)] }] };
        var decision = LaunchPlanner.Plan(workload, Options, "r", 1, Host(false, "/usr/bin/dotnet", "/usr/local/bin/envoy"));
        Assert.Equal(WorkloadFailureReasons.ConfigSourceUnavailable, decision.Reason);
        Assert.StartsWith(message, decision.Message);
    }
}
