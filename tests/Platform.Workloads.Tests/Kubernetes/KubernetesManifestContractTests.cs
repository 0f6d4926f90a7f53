using System.Text.Json.Nodes;
using Platform.Serving.Contracts.Revisions;
using Platform.Workloads.Kubernetes;

namespace Platform.Workloads.Tests.Kubernetes;

/// <summary>The exact fields Kubernetes and KEDA read from the objects Platform applies for a revision.</summary>
public class KubernetesManifestContractTests
{
    private static readonly RevisionWorkload Workload = new()
    {
        Revision = new RevisionKey("demo", "hello-00002"),
        Uid = "7c1e",
        Service = "hello",
        Configuration = "hello",
        Labels = new Dictionary<string, string> { [ServingLabels.Service] = "hello", [ServingLabels.Configuration] = "hello", ["team"] = "a" },
        Annotations = new Dictionary<string, string> { ["autoscaling.knative.dev/min-scale"] = "1", ["autoscaling.knative.dev/max-scale"] = "7" },
        Image = "ghcr.io/acme/hello:1",
        Command = ["/app/hello"],
        Args = ["--quiet"],
        WorkingDir = "/app",
        Env = [new("TARGET", "World")],
        ContainerPort = 8081,
        Readiness = new ProbeCheck { Kind = ProbeKind.Http, Path = "/healthz", Headers = [new("X-Probe", "1")], FailureThreshold = 4 },
        TimeoutSeconds = 120,
        MinScale = 1,
        MaxScale = 7,
        InitialScale = 2,
    };

    private static readonly KubernetesWorkloadOptions Options = new() { PlatformNamespace = "platform" };

    private static IReadOnlyList<JsonObject> Json(RevisionWorkload workload, KubernetesWorkloadOptions? options = null) =>
        KubernetesManifests.Build(workload, options ?? Options).Manifests!.ToJson();

    private static JsonNode At(JsonNode node, string path)
    {
        foreach (var part in path.Split('.'))
        {
            node = part.EndsWith(']')
                ? node[part[..part.IndexOf('[')]]![int.Parse(part[(part.IndexOf('[') + 1)..^1], System.Globalization.CultureInfo.InvariantCulture)]!
                : node[part] ?? throw new Xunit.Sdk.XunitException($"missing {part} of {path} in {node.ToJsonString()}");
        }

        return node;
    }

    private static string S(JsonNode node, string path) => At(node, path).ToString();

    [Fact]
    public void Deployment_runs_the_user_container_with_the_runtime_contract()
    {
        var deployment = Json(Workload)[0];

        Assert.Equal("apps/v1", S(deployment, "apiVersion"));
        Assert.Equal("Deployment", S(deployment, "kind"));
        Assert.Equal("hello-00002-deployment", S(deployment, "metadata.name"));
        Assert.Equal("demo", S(deployment, "metadata.namespace"));
        foreach (var labels in new[] { "metadata.labels", "spec.template.metadata.labels" })
        {
            Assert.Equal("hello-00002", At(deployment, labels)[ServingLabels.Revision]!.ToString());
            Assert.Equal("hello", At(deployment, labels)[ServingLabels.Service]!.ToString());
            Assert.Equal("hello", At(deployment, labels)[ServingLabels.Configuration]!.ToString());
            Assert.Equal("7c1e", At(deployment, labels)[ServingLabels.RevisionUid]!.ToString());
            Assert.Equal("a", At(deployment, labels)["team"]!.ToString());
        }

        Assert.Equal("""{"serving.knative.dev/revision":"hello-00002"}""", At(deployment, "spec.selector.matchLabels").ToJsonString());
        Assert.Equal(2, At(deployment, "spec.replicas").GetValue<int>());
        Assert.Equal(600, At(deployment, "spec.progressDeadlineSeconds").GetValue<int>());
        Assert.Equal(120, At(deployment, "spec.template.spec.terminationGracePeriodSeconds").GetValue<long>());
        Assert.False(At(deployment, "spec.template.spec.enableServiceLinks").GetValue<bool>());
        Assert.Equal("1", At(deployment, "spec.template.metadata.annotations")["autoscaling.knative.dev/min-scale"]!.ToString());

        var container = At(deployment, "spec.template.spec.containers[0]");
        Assert.Single(At(deployment, "spec.template.spec.containers").AsArray());
        Assert.Equal("user-container", S(container, "name"));
        Assert.Equal("ghcr.io/acme/hello:1", S(container, "image"));
        Assert.Equal("""["/app/hello"]""", At(container, "command").ToJsonString());
        Assert.Equal("""["--quiet"]""", At(container, "args").ToJsonString());
        Assert.Equal("/app", S(container, "workingDir"));
        Assert.Equal(
            """[{"name":"TARGET","value":"World"},{"name":"PORT","value":"8081"},{"name":"K_REVISION","value":"hello-00002"},{"name":"K_CONFIGURATION","value":"hello"},{"name":"K_SERVICE","value":"hello"}]""",
            At(container, "env").ToJsonString());
        Assert.Equal("""[{"containerPort":8081,"name":"user-port","protocol":"TCP"}]""", At(container, "ports").ToJsonString());
        Assert.Equal("/healthz", S(container, "readinessProbe.httpGet.path"));
        Assert.Equal(8081, At(container, "readinessProbe.httpGet.port").GetValue<int>());
        Assert.Equal("HTTP", S(container, "readinessProbe.httpGet.scheme"));
        Assert.Equal("""[{"name":"X-Probe","value":"1"}]""", At(container, "readinessProbe.httpGet.httpHeaders").ToJsonString());
        Assert.Equal(1, At(container, "readinessProbe.periodSeconds").GetValue<int>());
        Assert.Equal(4, At(container, "readinessProbe.failureThreshold").GetValue<int>());

        var owner = At(deployment, "metadata.ownerReferences[0]");
        Assert.Equal(("serving.knative.dev/v1", "Revision", "hello-00002", "7c1e", true), (S(owner, "apiVersion"), S(owner, "kind"), S(owner, "name"), S(owner, "uid"), At(owner, "controller").GetValue<bool>()));
    }

    [Fact]
    public void Deployment_defaults_to_a_tcp_probe_on_the_user_port()
    {
        var container = At(Json(Workload with { Readiness = ProbeCheck.DefaultTcp, Command = [], Args = [] })[0], "spec.template.spec.containers[0]");
        Assert.Equal(8081, At(container, "readinessProbe.tcpSocket.port").GetValue<int>());
        Assert.Null(container["readinessProbe"]!["httpGet"]);
        Assert.Null(container["command"]);
        Assert.Null(container["args"]);
    }

    [Fact]
    public void The_hpa_class_scales_on_KEDA_cpu_or_memory_triggers_never_the_external_scaler()
    {
        var cpu = Json(Workload with
        {
            Annotations = new Dictionary<string, string> { ["autoscaling.knative.dev/class"] = "hpa.autoscaling.knative.dev", ["autoscaling.knative.dev/max-scale"] = "7" },
            MinScale = 0,
            Requests = new Dictionary<string, string> { ["cpu"] = "250m" },
        });
        var trigger = At(cpu[2], "spec.triggers[0]");
        Assert.Equal(("cpu", "Utilization", "80"), (S(trigger, "type"), S(trigger, "metricType"), S(trigger, "metadata.value")));
        Assert.Single(At(cpu[2], "spec.triggers").AsArray());
        // KEDA's cpu and memory triggers cannot scale to zero: at least one replica.
        Assert.Equal(1, At(cpu[2], "spec.minReplicaCount").GetValue<int>());
        // Utilization is of the request, which the pod must carry.
        Assert.Equal("250m", S(cpu[0], "spec.template.spec.containers[0].resources.requests.cpu"));

        var memory = Json(Workload with
        {
            Annotations = new Dictionary<string, string> { ["autoscaling.knative.dev/class"] = "hpa.autoscaling.knative.dev", ["autoscaling.knative.dev/metric"] = "memory", ["autoscaling.knative.dev/target"] = "128" },
        });
        trigger = At(memory[2], "spec.triggers[0]");
        Assert.Equal(("memory", "AverageValue", "128Mi"), (S(trigger, "type"), S(trigger, "metricType"), S(trigger, "metadata.value")));
        Assert.Null(Json(Workload)[0]["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"]);
    }

    [Fact]
    public void Deployment_carries_liveness_and_startup_probes_of_every_kind()
    {
        var container = At(Json(Workload with
        {
            Liveness = new ProbeCheck { Kind = ProbeKind.Exec, Command = ["cat", "/tmp/healthy"], FailureThreshold = 2 },
            Startup = new ProbeCheck { Kind = ProbeKind.Grpc, GrpcService = "greeter", PeriodSeconds = 2, FailureThreshold = 30 },
        })[0], "spec.template.spec.containers[0]");
        Assert.Equal("""["cat","/tmp/healthy"]""", At(container, "livenessProbe.exec.command").ToJsonString());
        Assert.Equal(2, At(container, "livenessProbe.failureThreshold").GetValue<int>());
        // No period given: Kubernetes' own default (10 s), not the readiness probe's aggressive 1 s.
        Assert.Null(container["livenessProbe"]!["periodSeconds"]);
        Assert.Equal(8081, At(container, "startupProbe.grpc.port").GetValue<int>());
        Assert.Equal("greeter", S(container, "startupProbe.grpc.service"));
        Assert.Equal(2, At(container, "startupProbe.periodSeconds").GetValue<int>());
        Assert.Null(Json(Workload)[0]["spec"]!["template"]!["spec"]!["containers"]![0]!["livenessProbe"]);
    }

    [Fact]
    public void Deployment_carries_sidecars_and_config_map_and_secret_sources_as_Kubernetes_reads_them()
    {
        var deployment = Json(Workload with
        {
            Env = [new("TARGET", "World"), new("DB_PASSWORD", "", new EnvironmentReference(EnvironmentReference.Secret, "db", "password", Optional: false))],
            EnvFrom = [new EnvironmentReference(EnvironmentReference.ConfigMap, "settings", null, Optional: true, Prefix: "APP_")],
            Sidecars =
            [
                new SidecarContainer
                {
                    Name = "log-shipper",
                    Image = "ghcr.io/acme/shipper:2",
                    Args = ["--to", "stdout"],
                    Env = [new("LEVEL", "", new EnvironmentReference(EnvironmentReference.ConfigMap, "settings", "level", Optional: true))],
                    EnvFrom = [new EnvironmentReference(EnvironmentReference.Secret, "shipper", null, Optional: false)],
                    Limits = new Dictionary<string, string> { ["memory"] = "64Mi" },
                },
            ],
        })[0];

        var containers = At(deployment, "spec.template.spec.containers").AsArray();
        Assert.Equal(2, containers.Count);
        var user = containers[0]!;
        Assert.Equal("user-container", S(user, "name"));
        Assert.Equal("""{"name":"DB_PASSWORD","valueFrom":{"secretKeyRef":{"key":"password","name":"db"}}}""", At(user, "env[1]").ToJsonString());
        Assert.Equal("""[{"configMapRef":{"name":"settings","optional":true},"prefix":"APP_"}]""", At(user, "envFrom").ToJsonString());

        // A sidecar has no port and no probes: only the serving container is routed to and probed.
        var sidecar = containers[1]!;
        Assert.Equal("log-shipper", S(sidecar, "name"));
        Assert.Equal("ghcr.io/acme/shipper:2", S(sidecar, "image"));
        Assert.Equal("""["--to","stdout"]""", At(sidecar, "args").ToJsonString());
        Assert.Null(sidecar["command"]);
        Assert.Null(sidecar["ports"]);
        Assert.Null(sidecar["readinessProbe"]);
        Assert.Equal("""[{"name":"LEVEL","valueFrom":{"configMapKeyRef":{"key":"level","name":"settings","optional":true}}}]""", At(sidecar, "env").ToJsonString());
        Assert.Equal("""[{"secretRef":{"name":"shipper"}}]""", At(sidecar, "envFrom").ToJsonString());
        Assert.Equal("64Mi", S(sidecar, "resources.limits.memory"));
    }

    [Fact]
    public void Service_selects_the_revision_pods_on_the_user_port()
    {
        var service = Json(Workload)[1];
        Assert.Equal(("v1", "Service", "hello-00002", "demo"), (S(service, "apiVersion"), S(service, "kind"), S(service, "metadata.name"), S(service, "metadata.namespace")));
        Assert.Equal("ClusterIP", S(service, "spec.type"));
        Assert.Equal("""{"serving.knative.dev/revision":"hello-00002"}""", At(service, "spec.selector").ToJsonString());
        Assert.Equal("""[{"name":"http","port":80,"protocol":"TCP","targetPort":8081}]""", At(service, "spec.ports").ToJsonString());

        var h2c = Json(Workload with { PortName = "h2c" })[1];
        Assert.Equal("kubernetes.io/h2c", S(h2c, "spec.ports[0].appProtocol"));
        Assert.Equal("http2", S(h2c, "spec.ports[0].name"));
    }

    [Fact]
    public void ScaledObject_points_KEDA_at_the_external_push_scaler()
    {
        var scaled = Json(Workload)[2];

        Assert.Equal("keda.sh/v1alpha1", S(scaled, "apiVersion"));
        Assert.Equal("ScaledObject", S(scaled, "kind"));
        Assert.Equal(("hello-00002", "demo"), (S(scaled, "metadata.name"), S(scaled, "metadata.namespace")));
        Assert.Equal("hello-00002", At(scaled, "metadata.labels")[ServingLabels.Revision]!.ToString());
        Assert.Equal("7c1e", S(scaled, "metadata.ownerReferences[0].uid"));
        Assert.Equal("""{"apiVersion":"apps/v1","kind":"Deployment","name":"hello-00002-deployment"}""", At(scaled, "spec.scaleTargetRef").ToJsonString());
        Assert.Equal(1, At(scaled, "spec.minReplicaCount").GetValue<int>());
        Assert.Equal(7, At(scaled, "spec.maxReplicaCount").GetValue<int>());
        Assert.Equal(30, At(scaled, "spec.cooldownPeriod").GetValue<int>());
        Assert.Equal(2, At(scaled, "spec.pollingInterval").GetValue<int>());
        Assert.Equal(
            """[{"type":"external-push","metricType":"AverageValue","metadata":{"scalerAddress":"autoscaler.platform.svc.cluster.local:9090","revision":"hello-00002","namespace":"demo"}}]""",
            At(scaled, "spec.triggers").ToJsonString());
        Assert.Equal("hello-00002", S(scaled, "spec.advanced.horizontalPodAutoscalerConfig.name"));
        Assert.False(At(scaled, "spec.advanced.restoreToOriginalReplicaCount").GetValue<bool>());

        // Knative's rate limits as HPA policies: up to 1000× per period, down to half per period; no extra stabilisation.
        var behavior = At(scaled, "spec.advanced.horizontalPodAutoscalerConfig.behavior");
        Assert.Equal("""{"stabilizationWindowSeconds":0,"selectPolicy":"Max","policies":[{"type":"Percent","value":99900,"periodSeconds":1}]}""", At(behavior, "scaleUp").ToJsonString());
        Assert.Equal("""{"stabilizationWindowSeconds":0,"selectPolicy":"Max","policies":[{"type":"Percent","value":50,"periodSeconds":1}]}""", At(behavior, "scaleDown").ToJsonString());
    }

    [Theory]
    [InlineData(0, 0, 100)]
    [InlineData(0, 5, 5)]
    [InlineData(3, 0, 100)]
    [InlineData(150, 0, 150)]
    public void ScaledObject_bounds_come_from_min_and_max_scale(int min, int max, int wantMax)
    {
        var scaled = Json(Workload with { MinScale = min, MaxScale = max })[2];
        Assert.Equal(min, At(scaled, "spec.minReplicaCount").GetValue<int>());
        Assert.Equal(wantMax, At(scaled, "spec.maxReplicaCount").GetValue<int>());
    }

    [Fact]
    public void A_command_without_image_cannot_run_in_a_cluster()
    {
        var build = KubernetesManifests.Build(Workload with { Image = null }, Options);
        Assert.Null(build.Manifests);
        Assert.Equal("spec.containers[0].image: required in Kubernetes mode: a cluster runs images, not local commands", Assert.Single(build.Errors).ToString());
    }

    [Fact]
    public void Objects_without_uid_carry_no_owner_reference()
    {
        var json = Json(Workload with { Uid = null });
        Assert.All(json, o => Assert.Null(o["metadata"]!["ownerReferences"]));
    }
}
