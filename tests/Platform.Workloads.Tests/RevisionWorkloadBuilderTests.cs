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
        { "two containers", Revision(r => r.Spec.Containers!.Add(new Container { Image = "sidecar" })), ["spec.containers: only a single container is supported, found 2"] },
        { "init containers", Revision(r => r.Spec.InitContainers = [new Container { Image = "init" }]), ["spec.initContainers: not supported: run the setup in the container's command"] },
        { "neither command nor image", Revision(r => C(r).Command = null), ["spec.containers[0]: give command (a program to run) or image"] },
        {
            "valueFrom refused with its path",
            Revision(r => C(r).Env!.Add(new EnvVar { Name = "SECRET", ValueFrom = new EnvVarSource { SecretKeyRef = new KeySelector { Name = "s", Key = "k" } } })),
            ["spec.containers[0].env[1].valueFrom: not supported: give SECRET a literal value"]
        },
        { "env without name", Revision(r => C(r).Env!.Insert(0, new EnvVar { Value = "x" })), ["spec.containers[0].env[0].name: required"] },
        { "envFrom", Revision(r => C(r).EnvFrom = [new EnvFromSource { ConfigMapRef = new OptionalObjectReference { Name = "cm" } }]), ["spec.containers[0].envFrom: not supported: list the variables in env with literal values"] },
        { "exec probe", Revision(r => C(r).ReadinessProbe = new Probe { Exec = new ExecAction { Command = ["true"] } }), ["spec.containers[0].readinessProbe.exec: not supported: use httpGet or tcpSocket"] },
        { "grpc probe", Revision(r => C(r).ReadinessProbe = new Probe { Grpc = new GrpcAction { Port = 8080 } }), ["spec.containers[0].readinessProbe.grpc: not supported: use httpGet or tcpSocket"] },
        { "two ports", Revision(r => C(r).Ports = [new ContainerPortSpec { ContainerPort = 8080 }, new ContainerPortSpec { ContainerPort = 9090 }]), ["spec.containers[0].ports: at most one port is allowed, found 2"] },
        {
            "every error at once",
            Revision(r => { r.Metadata.Name = null; C(r).Command = null; C(r).Env![0].ValueFrom = new EnvVarSource(); }),
            ["metadata.name: required", "spec.containers[0]: give command (a program to run) or image", "spec.containers[0].env[0].valueFrom: not supported: give TARGET a literal value"]
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
        Assert.Equal(ReadinessCheck.DefaultTcp, workload.Readiness);
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

    public static TheoryData<string, Probe?, ReadinessCheck> Probes => new()
    {
        { "none: Knative's TCP default", null, ReadinessCheck.DefaultTcp },
        { "tcpSocket on the user port", new Probe { TcpSocket = new TcpSocketAction { Port = 8080 } }, ReadinessCheck.DefaultTcp },
        { "tcpSocket on another port", new Probe { TcpSocket = new TcpSocketAction { Port = 9999 } }, ReadinessCheck.DefaultTcp with { Port = 9999 } },
        {
            "httpGet with path, headers and thresholds",
            new Probe { HttpGet = new HttpGetAction { Path = "healthz", HttpHeaders = [new HttpHeader { Name = "X-Probe", Value = "1" }] }, PeriodSeconds = 5, FailureThreshold = 2, SuccessThreshold = 2, TimeoutSeconds = 3, InitialDelaySeconds = 1 },
            new ReadinessCheck { Kind = ProbeKind.Http, Path = "/healthz", Headers = [new("X-Probe", "1")], PeriodSeconds = 5, FailureThreshold = 2, SuccessThreshold = 2, TimeoutSeconds = 3, InitialDelaySeconds = 1 }
        },
        { "httpGet without path", new Probe { HttpGet = new HttpGetAction { Scheme = "https" } }, new ReadinessCheck { Kind = ProbeKind.Http, Path = "/", Scheme = "HTTPS" } },
        { "zero thresholds take the defaults", new Probe { FailureThreshold = 0, SuccessThreshold = 0, TimeoutSeconds = 0 }, ReadinessCheck.DefaultTcp },
    };

    [Theory]
    [MemberData(nameof(Probes))]
    public void Defaults_the_readiness_probe(string label, Probe? probe, ReadinessCheck want)
    {
        var got = RevisionWorkloadBuilder.Build(Revision(r => C(r).ReadinessProbe = probe)).Workload!.Readiness;
        Assert.True(
            want with { Headers = [] } == got with { Headers = [] } && want.Headers.SequenceEqual(got.Headers),
            $"{label}: want {want} got {got}");
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
}
