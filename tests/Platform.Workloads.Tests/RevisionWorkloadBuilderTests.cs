using Platform.Resources.Core;
using Platform.Resources.Meta;
using Platform.Resources.Serving;
using Platform.Serving.Contracts.Revisions;

namespace Platform.Workloads.Tests;

public class RevisionWorkloadBuilderTests
{
    internal static Revision Revision(Action<Revision>? setup = null)
    {
        var revision = new Revision
        {
            Metadata = new ObjectMeta
            {
                Name = "hello-00001",
                Namespace = "demo",
                Labels = new() { [ServingLabels.Service] = "hello", [ServingLabels.Configuration] = "hello" },
            },
            Spec = new RevisionSpec
            {
                Containers = [new Container { Command = ["dotnet", "app.dll"], Env = [new EnvVar { Name = "TARGET", Value = "World" }] }],
            },
        };
        setup?.Invoke(revision);
        return revision;
    }

    private static Container C(Revision r) => r.Spec.Containers![0];

    public static TheoryData<string, Revision, string[]> Refusals => new()
    {
        { "valid", Revision(), [] },
        { "no name", Revision(r => r.Metadata.Name = null), ["metadata.name: required"] },
        { "no containers", Revision(r => r.Spec.Containers = []), ["spec.containers: one container is required"] },
        { "a sidecar with neither command nor image", Revision(r => r.Spec.Containers!.Add(new Container { Name = "side" })), ["spec.containers[1]: give command (a program to run) or image"] },
        { "init containers", Revision(r => r.Spec.InitContainers = [new Container { Image = "init" }]), ["spec.initContainers: not supported: run the setup in the container's command"] },
        { "neither command nor image", Revision(r => C(r).Command = null), ["spec.containers[0]: give command (a program to run) or image"] },
        {
            "valueFrom other than a ConfigMap or Secret key refused with its path",
            Revision(r => C(r).Env!.Add(new EnvVar { Name = "NODE", ValueFrom = new EnvVarSource { FieldRef = new System.Text.Json.Nodes.JsonObject { ["fieldPath"] = "spec.nodeName" } } })),
            ["spec.containers[0].env[1].valueFrom: only configMapKeyRef and secretKeyRef (with name and key) are supported"]
        },
        { "env without name", Revision(r => C(r).Env!.Insert(0, new EnvVar { Value = "x" })), ["spec.containers[0].env[0].name: required"] },
        { "envFrom without a name", Revision(r => C(r).EnvFrom = [new EnvFromSource { ConfigMapRef = new OptionalObjectReference() }]), ["spec.containers[0].envFrom[0]: name a configMapRef or a secretRef"] },
        { "exec probe without command", Revision(r => C(r).LivenessProbe = new Probe { Exec = new ExecAction { Command = [] } }), ["spec.containers[0].livenessProbe.exec.command: required"] },
        { "two ports", Revision(r => C(r).Ports = [new ContainerPortSpec { ContainerPort = 8080 }, new ContainerPortSpec { ContainerPort = 9090 }]), ["spec.containers[0].ports: at most one port is allowed, found 2"] },
        {
            "every error at once",
            Revision(r => { r.Metadata.Name = null; C(r).Command = null; C(r).Env![0].ValueFrom = new EnvVarSource(); }),
            ["metadata.name: required", "spec.containers[0]: give command (a program to run) or image", "spec.containers[0].env[0].valueFrom: only configMapKeyRef and secretKeyRef (with name and key) are supported"]
        },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Refuses_what_cannot_run_with_the_field_path(string label, Revision revision, string[] want)
    {
        var got = RevisionWorkloadBuilder.Build(revision);
        Assert.True(want.SequenceEqual(got.Errors.Select(e => e.ToString())), $"{label}: want [{string.Join(" | ", want)}] got [{got.Message}]");
        Assert.Equal(want.Length == 0, got.IsValid);
    }

    [Fact]
    public void Maps_the_revision_and_its_container()
    {
        var revision = Revision(r =>
        {
            r.Metadata.Uid = "uid-1";
            r.Metadata.Annotations = new() { ["autoscaling.knative.dev/min-scale"] = "2", ["autoscaling.knative.dev/max-scale"] = "5" };
            C(r).Args = ["--verbose"];
            C(r).WorkingDir = "samples/app";
            C(r).Image = "ghcr.io/x/app:1";
            C(r).Ports = [new ContainerPortSpec { Name = "h2c", ContainerPort = 9000 }];
            r.Spec.ContainerConcurrency = 10;
            r.Spec.TimeoutSeconds = 60;
        });

        var workload = RevisionWorkloadBuilder.Build(revision).Workload!;

        Assert.Equal(new RevisionKey("demo", "hello-00001"), workload.Revision);
        Assert.Equal("uid-1", workload.Uid);
        Assert.Equal("hello", workload.Service);
        Assert.Equal("hello", workload.Configuration);
        Assert.Equal("hello-00001", workload.Labels[ServingLabels.Revision]);
        Assert.Equal("user-container", workload.ContainerName);
        Assert.Equal("ghcr.io/x/app:1", workload.Image);
        Assert.Equal(["dotnet", "app.dll"], workload.Command);
        Assert.Equal(["--verbose"], workload.Args);
        Assert.Equal("samples/app", workload.WorkingDir);
        Assert.Equal([new EnvironmentVariable("TARGET", "World")], workload.Env);
        Assert.Equal(9000, workload.ContainerPort);
        Assert.Equal("h2c", workload.PortName);
        Assert.Equal(ProbeCheck.DefaultTcp, workload.Readiness);
        Assert.Equal(10, workload.ContainerConcurrency);
        Assert.Equal(60, workload.TimeoutSeconds);
        Assert.Equal((2, 5, 2), (workload.MinScale, workload.MaxScale, workload.InitialScale));
    }

    public static TheoryData<string, Dictionary<string, string>?, int, int, int> Scales => new()
    {
        { "no annotations: initial 1", null, 0, 0, 1 },
        { "initial-scale 0", new() { ["autoscaling.knative.dev/initial-scale"] = "0" }, 0, 0, 0 },
        { "initial below min is raised", new() { ["autoscaling.knative.dev/min-scale"] = "3", ["autoscaling.knative.dev/initial-scale"] = "1" }, 3, 0, 3 },
        { "initial above max is capped", new() { ["autoscaling.knative.dev/max-scale"] = "2", ["autoscaling.knative.dev/initial-scale"] = "4" }, 0, 2, 2 },
        { "legacy camelCase key", new() { ["autoscaling.knative.dev/minScale"] = "2" }, 2, 0, 2 },
    };

    [Theory]
    [MemberData(nameof(Scales))]
    public void Reads_scale_bounds_from_annotations(string label, Dictionary<string, string>? annotations, int min, int max, int initial)
    {
        var workload = RevisionWorkloadBuilder.Build(Revision(r => r.Metadata.Annotations = annotations)).Workload!;
        Assert.True((min, max, initial) == (workload.MinScale, workload.MaxScale, workload.InitialScale), $"{label}: got {(workload.MinScale, workload.MaxScale, workload.InitialScale)}");
    }

    public static TheoryData<string, Probe?, ProbeCheck> Probes => new()
    {
        { "none: Knative's TCP default", null, ProbeCheck.DefaultTcp },
        { "tcpSocket on the user port", new Probe { TcpSocket = new TcpSocketAction { Port = 8080 } }, ProbeCheck.DefaultTcp },
        { "tcpSocket on another port", new Probe { TcpSocket = new TcpSocketAction { Port = 9999 } }, ProbeCheck.DefaultTcp with { Port = 9999 } },
        {
            "httpGet with path, headers and thresholds",
            new Probe { HttpGet = new HttpGetAction { Path = "healthz", HttpHeaders = [new HttpHeader { Name = "X-Probe", Value = "1" }] }, PeriodSeconds = 5, FailureThreshold = 2, SuccessThreshold = 2, TimeoutSeconds = 3, InitialDelaySeconds = 1 },
            new ProbeCheck { Kind = ProbeKind.Http, Path = "/healthz", Headers = [new("X-Probe", "1")], PeriodSeconds = 5, FailureThreshold = 2, SuccessThreshold = 2, TimeoutSeconds = 3, InitialDelaySeconds = 1 }
        },
        { "httpGet without path", new Probe { HttpGet = new HttpGetAction { Scheme = "https" } }, new ProbeCheck { Kind = ProbeKind.Http, Path = "/", Scheme = "HTTPS" } },
        { "zero thresholds take the defaults", new Probe { FailureThreshold = 0, SuccessThreshold = 0, TimeoutSeconds = 0 }, ProbeCheck.DefaultTcp },
        { "exec", new Probe { Exec = new ExecAction { Command = ["cat", "/tmp/healthy"] }, PeriodSeconds = 2 }, new ProbeCheck { Kind = ProbeKind.Exec, Command = ["cat", "/tmp/healthy"], PeriodSeconds = 2 } },
        { "grpc on the user port with a service", new Probe { Grpc = new GrpcAction { Port = 8080, Service = "greeter" } }, new ProbeCheck { Kind = ProbeKind.Grpc, GrpcService = "greeter" } },
        { "grpc on another port", new Probe { Grpc = new GrpcAction { Port = 9090 } }, new ProbeCheck { Kind = ProbeKind.Grpc, Port = 9090 } },
    };

    [Theory]
    [MemberData(nameof(Probes))]
    public void Defaults_the_readiness_probe(string label, Probe? probe, ProbeCheck want)
    {
        var got = RevisionWorkloadBuilder.Build(Revision(r => C(r).ReadinessProbe = probe)).Workload!.Readiness;
        AssertSame(label, want, got);
    }

    [Fact]
    public void Liveness_and_startup_probes_are_built_and_absent_when_not_given()
    {
        var none = RevisionWorkloadBuilder.Build(Revision()).Workload!;
        Assert.Equal((null, null), (none.Liveness, none.Startup));

        var both = RevisionWorkloadBuilder.Build(Revision(r =>
        {
            C(r).LivenessProbe = new Probe { HttpGet = new HttpGetAction { Path = "/live" }, PeriodSeconds = 3, FailureThreshold = 2 };
            C(r).StartupProbe = new Probe { Exec = new ExecAction { Command = ["test", "-f", "/tmp/started"] }, FailureThreshold = 30 };
        })).Workload!;
        AssertSame("liveness", new ProbeCheck { Kind = ProbeKind.Http, Path = "/live", PeriodSeconds = 3, FailureThreshold = 2 }, both.Liveness!);
        AssertSame("startup", new ProbeCheck { Kind = ProbeKind.Exec, Command = ["test", "-f", "/tmp/started"], FailureThreshold = 30 }, both.Startup!);
    }

    private static void AssertSame(string label, ProbeCheck want, ProbeCheck got) =>
        Assert.True(
            want with { Headers = [], Command = [] } == got with { Headers = [], Command = [] } && want.Headers.SequenceEqual(got.Headers) && want.Command.SequenceEqual(got.Command),
            $"{label}: want {want} got {got}");

    [Fact]
    public void Routing_metadata_stays_off_the_workload_so_that_routing_a_revision_does_not_restart_it()
    {
        var plain = RevisionWorkloadBuilder.Build(Revision()).Workload!;
        var routed = RevisionWorkloadBuilder.Build(Revision(r =>
        {
            r.Metadata.Labels!["serving.knative.dev/routingState"] = "active";
            r.Metadata.Labels!["serving.knative.dev/route"] = "hello";
            r.Metadata.Annotations = new() { ["serving.knative.dev/routingStateModified"] = "2026-12-07T00:54:29Z", ["team"] = "a" };
        })).Workload!;

        Assert.Equal(plain.Labels.OrderBy(l => l.Key), routed.Labels.OrderBy(l => l.Key));
        Assert.Equal([new KeyValuePair<string, string>("team", "a")], routed.Annotations);
    }

    [Fact]
    public void Defaults_the_namespace_and_keeps_an_image_only_container()
    {
        var workload = RevisionWorkloadBuilder.Build(Revision(r =>
        {
            r.Metadata.Namespace = null;
            C(r).Command = null;
            C(r).Image = "nginx";
        })).Workload!;
        Assert.Equal("default", workload.Revision.Namespace);
        Assert.Empty(workload.Command);
        Assert.Equal("nginx", workload.Image);
    }

    [Fact]
    public void The_container_with_a_port_serves_and_the_others_are_sidecars_with_their_env_sources()
    {
        var workload = RevisionWorkloadBuilder.Build(Revision(r =>
        {
            C(r).Env!.Add(new EnvVar { Name = "PASSWORD", ValueFrom = new EnvVarSource { SecretKeyRef = new KeySelector { Name = "db", Key = "password", Optional = true } } });
            C(r).EnvFrom = [new EnvFromSource { Prefix = "CFG_", ConfigMapRef = new OptionalObjectReference { Name = "settings" } }];
            r.Spec.Containers!.Insert(0, new Container
            {
                Name = "proxy",
                Command = ["envoy"],
                Args = ["-c", "/etc/envoy.yaml"],
                Env = [new EnvVar { Name = "LEVEL", Value = "debug" }],
            });
            C1(r).Ports = [new ContainerPortSpec { ContainerPort = 8080 }];
        })).Workload!;

        Assert.Equal(["dotnet", "app.dll"], workload.Command);
        Assert.Equal(new EnvironmentVariable("PASSWORD", "", new EnvironmentReference(EnvironmentReference.Secret, "db", "password", true)), workload.Env[1]);
        Assert.Equal(new EnvironmentReference(EnvironmentReference.ConfigMap, "settings", null, false, "CFG_"), Assert.Single(workload.EnvFrom));
        var sidecar = Assert.Single(workload.Sidecars);
        Assert.Equal(("proxy", "envoy", "-c /etc/envoy.yaml", "LEVEL=debug"),
            (sidecar.Name, sidecar.Command[0], string.Join(' ', sidecar.Args), string.Join(',', sidecar.Env.Select(e => $"{e.Name}={e.Value}"))));
    }

    private static Container C1(Revision r) => r.Spec.Containers![1];
}
