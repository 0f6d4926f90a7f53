using System.Text.Json.Nodes;
using Platform.Deploy.Tests.Helm;
using Platform.Resources.Crds;
using Platform.Resources.Serialization;
using Platform.Serving.Contracts.Revisions;
using Platform.Testing.Schemas;
using Platform.Workloads;
using Platform.Workloads.Kubernetes;

namespace Platform.Deploy.Tests.Schemas;

/// <summary>
/// Everything Kubernetes mode installs or creates, checked against the published schemas (Kubernetes 1.27 OpenAPI,
/// KEDA's, Dapr's and Knative's CRDs; see tests/Platform.Testing/Schemas/README.md): the CRDs, every manifest the chart
/// renders, and the Deployment, Service and ScaledObject built for a revision. Knative manifests are checked against
/// Knative's schemas and ours, so that our CRDs take what Knative's take.
/// </summary>
public sealed class SchemaValidationTests
{
    private static readonly SchemaCatalog Published = SchemaCatalog.Published;
    private static readonly SchemaCatalog Ours = SchemaCatalog.WithCrds(CustomResourceDefinitions.Knative());

    [Fact]
    public void The_validator_refuses_a_wrong_type_and_an_unknown_field()
    {
        var errors = Published.Validate(JsonNode.Parse("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"x"},
             "spec":{"replicas":"two","selector":{},"template":{"spec":{"containers":[{"name":"c","imagePullPolicy":"IfNotPresent","colour":"red"}]}}}}
            """)!.AsObject());
        Assert.Contains(errors, e => e.StartsWith("/spec/replicas", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("/spec/template/spec/containers/0", StringComparison.Ordinal) && e.Contains("colour", StringComparison.Ordinal));
        Assert.Equal(["no schema for example.com/v1 Widget"], Published.Validate(new JsonObject { ["apiVersion"] = "example.com/v1", ["kind"] = "Widget" }));
    }

    [Fact]
    public void Every_generated_CRD_is_a_valid_CustomResourceDefinition()
    {
        foreach (var crd in CustomResourceDefinitions.Knative())
            Assert.True(Published.Validate(crd) is { Count: 0 } errors, $"{crd["metadata"]!["name"]}: {string.Join("; ", Published.Validate(crd))}");
    }

    public static TheoryData<string> Environments => [.. HelmTool.Environments];

    [SkippableTheory]
    [MemberData(nameof(Environments))]
    public void Every_manifest_the_chart_renders_is_valid(string environment)
    {
        var manifests = HelmTool.Render(environment);
        Assert.NotEmpty(manifests);
        var failures = manifests.Select(m => (Name: $"{m["kind"]} {m["metadata"]?["name"]}", Errors: Published.Validate(m)))
            .Where(r => r.Errors.Count > 0).Select(r => $"{r.Name}: {string.Join("; ", r.Errors)}").ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    public static TheoryData<string> Workloads => ["plain", "h2c with an http probe", "dapr with bounded scale", "hpa class on cpu", "hpa class on memory"];

    [Theory]
    [MemberData(nameof(Workloads))]
    public void The_Deployment_Service_and_ScaledObject_of_a_revision_are_valid(string label)
    {
        var workload = label switch
        {
            "plain" => Workload(),
            "h2c with an http probe" => Workload() with
            {
                PortName = "h2c",
                ContainerPort = 9000,
                Readiness = new ProbeCheck { Kind = ProbeKind.Http, Path = "/ready", PeriodSeconds = 0, Headers = [new("X-Probe", "1")], Port = 9001 },
                Command = ["/app/server"],
                Args = ["--port", "9000"],
                WorkingDir = "/app",
            },
            "hpa class on cpu" => Workload() with
            {
                Annotations = new Dictionary<string, string> { ["autoscaling.knative.dev/class"] = "hpa.autoscaling.knative.dev", ["autoscaling.knative.dev/target"] = "60" },
                Requests = new Dictionary<string, string> { ["cpu"] = "250m", ["memory"] = "64Mi" },
                Limits = new Dictionary<string, string> { ["memory"] = "256Mi" },
            },
            "hpa class on memory" => Workload() with
            {
                Annotations = new Dictionary<string, string> { ["autoscaling.knative.dev/class"] = "hpa.autoscaling.knative.dev", ["autoscaling.knative.dev/metric"] = "memory", ["autoscaling.knative.dev/target"] = "128" },
            },
            _ => Workload() with
            {
                Annotations = new Dictionary<string, string> { ["dapr.io/enabled"] = "true", ["autoscaling.knative.dev/min-scale"] = "1" },
                MinScale = 1,
                MaxScale = 5,
                InitialScale = 2,
                TerminationGracePeriodSeconds = 45,
            },
        };
        var build = KubernetesManifests.Build(workload, new KubernetesWorkloadOptions());
        foreach (var manifest in build.Manifests!.ToJson())
            Assert.True(Published.Validate(manifest) is { Count: 0 }, $"{label} {manifest["kind"]}: {string.Join("; ", Published.Validate(manifest))}");
    }

    public static TheoryData<string> KnativeManifests => new()
    {
        """
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata: {name: hello, namespace: default, annotations: {serving.knative.dev/rollout-duration: 60s}}
        spec:
          template:
            metadata:
              annotations: {autoscaling.knative.dev/min-scale: "1", autoscaling.knative.dev/target: "50"}
            spec:
              containerConcurrency: 10
              timeoutSeconds: 120
              containers:
                - image: ghcr.io/knative/helloworld-go:latest
                  ports: [{containerPort: 8080}]
                  env: [{name: TARGET, value: World}]
                  readinessProbe: {httpGet: {path: /healthz}, periodSeconds: 0}
          traffic:
            - {latestRevision: true, percent: 80}
            - {revisionName: hello-00001, percent: 20, tag: old}
        """,
        """
        apiVersion: eventing.knative.dev/v1
        kind: Broker
        metadata: {name: default, namespace: default}
        spec:
          delivery: {retry: 5, backoffPolicy: exponential, backoffDelay: PT0.5S, deadLetterSink: {uri: http://dead.example/}}
        """,
        """
        apiVersion: eventing.knative.dev/v1
        kind: Trigger
        metadata: {name: display, namespace: default}
        spec:
          broker: default
          filter: {attributes: {type: dev.example}}
          subscriber: {ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: event-display}}
        """,
        """
        apiVersion: sources.knative.dev/v1
        kind: PingSource
        metadata: {name: ping, namespace: default}
        spec:
          schedule: "*/1 * * * *"
          contentType: application/json
          data: '{"message": "hi"}'
          sink: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: default}}
        """,
        """
        apiVersion: flows.knative.dev/v1
        kind: Sequence
        metadata: {name: seq, namespace: default}
        spec:
          channelTemplate: {apiVersion: messaging.knative.dev/v1, kind: InMemoryChannel}
          steps:
            - ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: first}
            - uri: http://second.default.svc.cluster.local
          reply: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: default}}
        """,
    };

    [Theory]
    [MemberData(nameof(KnativeManifests))]
    public void A_Knative_manifest_valid_for_Knatives_schema_is_valid_for_ours(string yaml)
    {
        var manifest = YamlDocuments.Parse(yaml).OfType<JsonObject>().Single();
        Assert.True(Published.Validate(manifest) is { Count: 0 }, "Knative's schema: " + string.Join("; ", Published.Validate(manifest)));
        Assert.True(Ours.Validate(manifest) is { Count: 0 }, "our CRD: " + string.Join("; ", Ours.Validate(manifest)));
    }

    [Fact]
    public void Our_CRDs_refuse_what_our_admission_refuses()
    {
        var manifest = YamlDocuments.Parse("""
            apiVersion: serving.knative.dev/v1
            kind: Route
            metadata: {name: r, namespace: default}
            spec:
              traffic: [{revisionName: r-00001, percent: 120}]
            """).OfType<JsonObject>().Single();
        Assert.Contains(Ours.Validate(manifest), e => e.StartsWith("/spec/traffic/0/percent", StringComparison.Ordinal));
    }

    private static RevisionWorkload Workload() => new()
    {
        Revision = new RevisionKey("default", "hello-00001"),
        Uid = "5f0c1c1e-0000-4000-8000-000000000001",
        Service = "hello",
        Configuration = "hello",
        Image = "ghcr.io/example/hello:1",
        Env = [new EnvironmentVariable("TARGET", "World")],
        Labels = new Dictionary<string, string> { ["serving.knative.dev/service"] = "hello" },
    };
}
