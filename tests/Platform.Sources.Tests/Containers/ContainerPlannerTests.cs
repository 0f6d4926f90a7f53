using System.Globalization;
using System.Text.Json.Nodes;
using Platform.ControlPlane.Store;
using Platform.Eventing.Addressing;
using Platform.Resources.Serialization;
using Platform.Resources.Sources;
using Platform.Sources.Containers;
using Platform.Sources.Sdk;

namespace Platform.Sources.Tests.Containers;

public class ContainerPlannerTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-03-01T10:00:00Z", CultureInfo.InvariantCulture);
    private static readonly Uri Sink = new("http://sink.example/");

    private static ContainerSource Source(string containers) => (ContainerSource)ResourceSerializer.Default.ReadOne($$$"""
        apiVersion: sources.knative.dev/v1
        kind: ContainerSource
        metadata: {name: heartbeat, namespace: default, uid: u-1, generation: 4}
        spec:
          ceOverrides: {extensions: {team: blue}}
          sink: {uri: "http://sink.example/"}
          template:
            metadata: {labels: {tier: events}}
            spec:
              containers: {{{containers}}}
        """);

    [Fact]
    public void A_command_runs_with_its_env_then_the_binding_variables()
    {
        var (launches, reason, _) = ContainerPlanner.Launches(Source(
            """[{name: beat, image: x, command: [bash, -c], args: ["echo hi"], workingDir: /tmp, env: [{name: A, value: "1"}, {name: K_SINK, value: "http://ignored/"}]}]"""), Sink);
        Assert.Null(reason);
        var launch = Assert.Single(launches!);
        Assert.Equal(("beat", "bash", "-c|echo hi", "/tmp"), (launch.Container, launch.Command[0], string.Join('|', [.. launch.Command.Skip(1), .. launch.Args]), launch.WorkingDir));
        Assert.Equal("A=1|K_SINK=http://sink.example/|K_CE_OVERRIDES={\"extensions\":{\"team\":\"blue\"}}", string.Join('|', launch.Env.Select(e => $"{e.Key}={e.Value}")));
    }

    // label, containers, want reason, message fragment
    [Theory]
    [InlineData("image only", "[{image: ghcr.io/x/heartbeat}]", "ContainerMissing",
        "spec.template.spec.containers[0].command: image \"ghcr.io/x/heartbeat\" without a command cannot run as a local process")]
    [InlineData("a secret's value", "[{command: [a], env: [{name: TOKEN, valueFrom: {secretKeyRef: {name: s, key: k}}}]}]", "ConfigSourceUnavailable",
        "spec.template.spec.containers[0].env[0].valueFrom: ConfigMaps and Secrets exist only in Kubernetes: locally give TOKEN a literal value")]
    [InlineData("the second container", "[{command: [a]}, {image: y}]", "ContainerMissing", "spec.template.spec.containers[1].command")]
    public void Templates_that_cannot_run_locally(string label, string containers, string reason, string message)
    {
        var (launches, why, details) = ContainerPlanner.Launches(Source(containers), Sink);
        Assert.True(launches is null, label);
        Assert.Equal(reason, why);
        Assert.Contains(message, details);
    }

    // label, sink resolves, refusal reason (null: none), runner state (null: not running; started; or a reason), want Ready, ReceiveAdapterReady, reason of Ready
    [Theory]
    [InlineData("running", true, null, "started", "True", "True", null)]
    [InlineData("starting", true, null, null, "Unknown", "Unknown", "Starting")]
    [InlineData("image only", true, "ContainerMissing", null, "False", "False", "ContainerMissing")]
    [InlineData("command not found at start", true, null, "CommandNotFound", "False", "False", "CommandNotFound")]
    [InlineData("sink missing", false, null, null, "False", "Unknown", "NotFound")]
    public void Local_status(string label, bool resolves, string? refusal, string? state, string ready, string adapter, string? reason)
    {
        var sink = resolves ? Resolution.Ok(Sink) : Resolution.Fail("Broker default/b not found");
        var runner = state switch { null => null, "started" => new ContainerState(true, null, null, 2), _ => new ContainerState(false, state, "details", 0) };
        var status = ContainerPlanner.LocalStatus(Source("[{command: [a]}]"), sink, refusal is null ? null : (refusal, "details"), runner, Now);
        Assert.True(ready == status.GetCondition("Ready")!.Status, label);
        Assert.Equal(adapter, status.GetCondition("ReceiveAdapterReady")!.Status);
        Assert.Equal(reason, status.GetCondition("Ready")!.Reason);
        Assert.Equal(resolves ? "True" : "False", status.GetCondition("SinkBindingReady")!.Status);
        Assert.Equal(resolves ? "True" : "False", status.GetCondition("SinkProvided")!.Status);
        Assert.Equal(resolves ? Sink.ToString() : null, status.SinkUri);
    }

    private static JsonObject SourceJson() => ResourceSerializer.Default.ToNode(Source("[{name: beat, image: ghcr.io/x/heartbeat, env: [{name: A, value: \"1\"}]}]"));

    [Fact]
    public void The_deployment_carries_the_template_the_variables_the_label_and_the_owner()
    {
        var deployment = ContainerPlanner.Deployment(SourceJson(), Sink, new CeOverrides(new Dictionary<string, string> { ["team"] = "blue" }));
        Assert.Equal(("apps/v1", "Deployment", "heartbeat-deployment", "default"), (deployment.Str("apiVersion"), deployment.Str("kind"), deployment.Name(), deployment.Namespace()));
        Assert.Equal("""{"sources.knative.dev/containerSource":"heartbeat"}""", deployment["metadata"]!["labels"]!.ToJsonString());
        Assert.Equal("""[{"apiVersion":"sources.knative.dev/v1","kind":"ContainerSource","name":"heartbeat","uid":"u-1","controller":true,"blockOwnerDeletion":true}]""",
            deployment["metadata"]!["ownerReferences"]!.ToJsonString());
        Assert.Equal("""{"matchLabels":{"sources.knative.dev/containerSource":"heartbeat"}}""", deployment["spec"]!["selector"]!.ToJsonString());
        Assert.Equal(1, (int)deployment["spec"]!["replicas"]!);
        Assert.Equal("""{"tier":"events","sources.knative.dev/containerSource":"heartbeat"}""", deployment["spec"]!["template"]!["metadata"]!["labels"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"name":"A","value":"1"},{"name":"K_SINK","value":"http://sink.example/"},{"name":"K_CE_OVERRIDES","value":"{\"extensions\":{\"team\":\"blue\"}}"}]"""),
            deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]));
        Assert.Matches("^[0-9a-f]{16}$", deployment.Annotations()["sources.platform.dev/spec-hash"]);
    }

    [Fact]
    public void A_new_sink_changes_the_hash()
    {
        var a = ContainerPlanner.Deployment(SourceJson(), Sink, CeOverrides.None);
        var b = ContainerPlanner.Deployment(SourceJson(), new Uri("http://other/"), CeOverrides.None);
        Assert.NotEqual(a.Annotations()["sources.platform.dev/spec-hash"], b.Annotations()["sources.platform.dev/spec-hash"]);
    }

    // label, stored (none, current, stale, foreign), want write, create, not-owned
    [Theory]
    [InlineData("none stored: create", "none", true, true, false)]
    [InlineData("current: nothing", "current", false, false, false)]
    [InlineData("stale hash: update", "stale", true, false, false)]
    [InlineData("someone else's Deployment of that name", "foreign", false, false, true)]
    public void Reconcile_against_what_is_stored(string label, string stored, bool write, bool create, bool notOwned)
    {
        var desired = ContainerPlanner.Deployment(SourceJson(), Sink, CeOverrides.None);
        var current = (JsonObject)desired.DeepClone();
        current["metadata"]!["resourceVersion"] = "12";
        current["status"] = new JsonObject { ["readyReplicas"] = 1 };
        switch (stored)
        {
            case "none": current = null; break;
            case "stale": current["metadata"]!["annotations"]!["sources.platform.dev/spec-hash"] = "0000"; current["spec"]!["replicas"] = 3; break;
            case "foreign": current["metadata"]!["ownerReferences"] = new JsonArray(); break;
        }
        var (written, created, foreign) = ContainerPlanner.Reconcile(desired, current, "u-1");
        Assert.True(write == written is not null, label);
        Assert.Equal(create, created);
        Assert.Equal(notOwned, foreign is not null);
        if (stored == "stale")
        {
            var update = Assert.IsType<JsonObject>(written);
            Assert.Equal("12", update.ResourceVersion());
            Assert.Equal(1, (int)update["spec"]!["replicas"]!);
            Assert.Equal(desired.Annotations()["sources.platform.dev/spec-hash"], update.Annotations()["sources.platform.dev/spec-hash"]);
        }
    }

    // label, deployment's Available condition (null: no status yet; "none": no deployment), failure, want ReceiveAdapterReady, reason
    [Theory]
    [InlineData("available", "True", null, "True", null)]
    [InlineData("unavailable", "False", null, "False", "DeploymentUnavailable")]
    [InlineData("no status yet", null, null, "Unknown", "DeploymentUnavailable")]
    [InlineData("write refused", "none", "Deployment \"heartbeat-deployment\": forbidden", "False", "DeploymentFailed")]
    public void Kubernetes_status(string label, string? available, string? failure, string adapter, string? reason)
    {
        JsonObject? deployment = available switch
        {
            "none" => null,
            null => new JsonObject(),
            _ => JsonNode.Parse($$$"""{"status":{"conditions":[{"type":"Available","status":"{{{available}}}","message":"min replicas"}]}}""")!.AsObject(),
        };
        var status = ContainerPlanner.KubernetesStatus(Source("[{image: x}]"), Resolution.Ok(Sink), deployment, failure, Now);
        Assert.True(adapter == status.GetCondition("ReceiveAdapterReady")!.Status, label);
        Assert.Equal(reason, status.GetCondition("ReceiveAdapterReady")!.Reason);
        Assert.Equal(adapter, status.GetCondition("Ready")!.Status);
    }
}
