using System.Text.Json.Nodes;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.Sources.Tests.Infrastructure;
using Platform.Testing.Eventing;
using Platform.Testing.Kubernetes;

namespace Platform.Sources.Tests.EndToEnd;

/// <summary>
/// ContainerSources end to end: locally a real process (bash and curl) that POSTs to $K_SINK; in Kubernetes mode the
/// Deployment we create, against our side of the Kubernetes API's contract (tests/Platform.Testing/Kubernetes).
/// </summary>
[Collection(SourcesCollection.Name)]
public sealed class ContainerSourceTests(SourcesStack stack)
{
    [SkippableFact]
    public async Task Locally_the_process_delivers_to_the_broker_is_restarted_after_it_exits_and_stops_with_its_source()
    {
        stack.SkipIfUnavailable();
        Skip.If(!File.Exists("/usr/bin/curl") && !File.Exists("/bin/curl"), "curl is not installed");
        const string ns = "container-local";
        var work = Directory.CreateTempSubdirectory("container-source-").FullName;
        // The RecordingSink plays the broker's ingress: a `broker:` sink resolves to {BrokerUrl}/{ns}/{name}.
        await using var broker = await RecordingSink.StartAsync();
        await using var replica = await stack.StartReplicaAsync(new Dictionary<string, string>
        {
            ["Sources__Ping__Claims"] = "InProcess",
            ["Sources__BrokerUrl"] = broker.Url.ToString().TrimEnd('/'),
            ["Sources__Containers__LogsDirectory"] = Path.Combine(work, "logs"),
            ["Sources__Containers__InitialRestartDelay"] = "00:00:00.200",
        }, sidecar: false);
        await stack.CreateAsync(ns, "apiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata: {name: default}");
        // One event per run; the first run exits 3 (restarted), the second stays up and records its pid.
        var script = """
            curl -sS -o /dev/null -X POST "$K_SINK" -H "ce-specversion: 1.0" -H "ce-type: dev.example.heartbeat" -H "ce-source: /heartbeat" \
              -H "ce-id: $$" -H "ce-greeting: $GREETING" -H "content-type: application/json" -d "$K_CE_OVERRIDES"
            echo "sent to $K_SINK"
            if [ ! -f first-run ]; then touch first-run; exit 3; fi
            echo $$ > pid; exec sleep 300
            """;
        await stack.CreateAsync(ns, $$$"""
            apiVersion: sources.knative.dev/v1
            kind: ContainerSource
            metadata: {name: heartbeat}
            spec:
              ceOverrides: {extensions: {team: blue}}
              sink: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: default}}
              template:
                spec:
                  containers:
                    - name: beat
                      image: ghcr.io/example/heartbeat
                      command: [bash, -c]
                      args: [{{{System.Text.Json.JsonSerializer.Serialize(script)}}}]
                      workingDir: {{{work}}}
                      env: [{name: GREETING, value: hello}]
            """);

        // Other tests' sources in the shared control plane may send to their own brokers, which resolve here too: only ours count.
        var events = await broker.WaitForAsync(2, TimeSpan.FromSeconds(30), d => d.Event.Type == "dev.example.heartbeat");
        Assert.All(events, d => Assert.Equal(("/heartbeat", "hello"), (d.Event.Source?.ToString(), (string?)d.Event["greeting"])));
        Assert.Equal("""{"extensions":{"team":"blue"}}""", ((System.Text.Json.JsonElement)events[0].Event.Data!).GetRawText());
        var ready = await stack.WaitConditionAsync(ResourceKinds.ContainerSource, ns, "heartbeat", "Ready", "True");
        Assert.Equal($"{broker.Url}{ns}/default", ready["status"]!["sinkUri"]!.GetValue<string>());
        Assert.Equal("True", SourcesStack.ConditionOf(ready, "SinkBindingReady")!.Str("status"));
        Assert.Equal("True", SourcesStack.ConditionOf(ready, "ReceiveAdapterReady")!.Str("status"));

        var log = Path.Combine(work, "logs", ns, "heartbeat", "beat.log");
        await Platform.Testing.Condition.UntilAsync(() => File.Exists(Path.Combine(work, "pid")), TimeSpan.FromSeconds(20), "the second run records its pid");
        var text = await File.ReadAllTextAsync(log);
        Assert.Contains($"sent to {broker.Url}{ns}/default", text);
        Assert.Contains("[platform] exited with code 3; restarting in 0.2 s", text);

        // Deleted: its process goes.
        var pid = (await File.ReadAllTextAsync(Path.Combine(work, "pid"))).Trim();
        Assert.True(Directory.Exists($"/proc/{pid}"));
        await stack.Store.DeleteAsync(ResourceKinds.ContainerSource, ns, "heartbeat");
        await Platform.Testing.Condition.UntilAsync(() => !Directory.Exists($"/proc/{pid}"), TimeSpan.FromSeconds(20), $"process {pid} stopped\n{stack.Logs}");
        try { Directory.Delete(work, true); } catch (IOException) { }
    }

    [SkippableFact]
    public async Task Locally_an_image_without_a_command_is_not_ready_with_the_reason()
    {
        stack.SkipIfUnavailable();
        await using var replica = await stack.StartReplicaAsync(new Dictionary<string, string> { ["Sources__Ping__Claims"] = "InProcess" }, sidecar: false);
        await stack.CreateAsync("container-image", """
            apiVersion: sources.knative.dev/v1
            kind: ContainerSource
            metadata: {name: image-only}
            spec:
              sink: {uri: "http://example.test/"}
              template: {spec: {containers: [{image: ghcr.io/example/heartbeat}]}}
            """);
        var notReady = await stack.WaitConditionAsync(ResourceKinds.ContainerSource, "container-image", "image-only", "Ready", "False");
        var adapter = SourcesStack.ConditionOf(notReady, "ReceiveAdapterReady")!;
        Assert.Equal("ContainerMissing", adapter.Str("reason"));
        Assert.StartsWith("spec.template.spec.containers[0].command: image \"ghcr.io/example/heartbeat\" without a command cannot run as a local process", adapter.Str("message"));
    }

    [SkippableFact]
    public async Task Deployment_created_owned_and_followed_kubernetes_contract()
    {
        stack.SkipIfUnavailable();
        await using var api = await FakeKubernetesApi.StartAsync();
        var folder = Directory.CreateTempSubdirectory("sources-k8s-").FullName;
        var source = api.Seed("sources.knative.dev/v1/containersources", JsonNode.Parse("""
            {"apiVersion":"sources.knative.dev/v1","kind":"ContainerSource","metadata":{"name":"heartbeat","namespace":"ops"},
             "spec":{"sink":{"uri":"http://sink.ops.svc.cluster.local/"},
                     "template":{"spec":{"containers":[{"name":"beat","image":"ghcr.io/example/heartbeat","env":[{"name":"PERIOD","value":"5"}]}]}}}}
            """)!.AsObject());
        await using var replica = await stack.StartReplicaAsync(new Dictionary<string, string>
        {
            ["ResourceStore__Mode"] = "Kubernetes",
            ["ResourceStore__Kubeconfig"] = api.WriteKubeconfig(folder),
            ["Sources__Ping__Claims"] = "InProcess",
        }, sidecar: false);

        await Platform.Testing.Condition.UntilAsync(() => api.Stored("apps/v1/deployments", "ops", "heartbeat-deployment") is not null,
            TimeSpan.FromSeconds(30), "the Deployment is created\n" + replica.App.Tail());
        var post = api.Calls.First(c => c is { Method: "POST", Path: "/apis/apps/v1/namespaces/ops/deployments" });
        var sent = JsonNode.Parse(post.Body)!.AsObject();
        Assert.Equal(("apps/v1", "Deployment"), (sent.Str("apiVersion"), sent.Str("kind")));
        var owner = sent["metadata"]!["ownerReferences"]![0]!;
        Assert.Equal(("ContainerSource", "heartbeat", source.Uid(), true),
            (owner["kind"]!.GetValue<string>(), owner["name"]!.GetValue<string>(), owner["uid"]!.GetValue<string>(), owner["controller"]!.GetValue<bool>()));
        Assert.Equal("heartbeat", sent["spec"]!["selector"]!["matchLabels"]!["sources.knative.dev/containerSource"]!.GetValue<string>());
        Assert.Equal("heartbeat", sent["spec"]!["template"]!["metadata"]!["labels"]!["sources.knative.dev/containerSource"]!.GetValue<string>());
        var env = sent["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray().Select(e => $"{e!["name"]}={e["value"]}");
        Assert.Equal(["PERIOD=5", "K_SINK=http://sink.ops.svc.cluster.local/", "K_CE_OVERRIDES="], env);

        // Not available yet: Unknown; available: Ready.
        await Platform.Testing.Condition.UntilAsync(() => SourcesStack.ConditionOf(api.Stored("sources.knative.dev/v1/containersources", "ops", "heartbeat"), "ReceiveAdapterReady")?.Str("reason") == "DeploymentUnavailable",
            TimeSpan.FromSeconds(20), "ReceiveAdapterReady DeploymentUnavailable\n" + replica.App.Tail());
        api.SetStatus("apps/v1/deployments", "ops", "heartbeat-deployment", JsonNode.Parse("""{"availableReplicas":1,"conditions":[{"type":"Available","status":"True"}]}""")!.AsObject());
        await Platform.Testing.Condition.UntilAsync(() => SourcesStack.ConditionOf(api.Stored("sources.knative.dev/v1/containersources", "ops", "heartbeat"), "Ready")?.Str("status") == "True",
            TimeSpan.FromSeconds(20), "Ready=True\n" + replica.App.Tail());

        // The sink changes: the Deployment's template is replaced with the new K_SINK.
        using (var http = new HttpClient())
        {
            using var patch = new HttpRequestMessage(HttpMethod.Patch, $"{api.Url.TrimEnd('/')}/apis/sources.knative.dev/v1/namespaces/ops/containersources/heartbeat")
            {
                Content = new StringContent("""{"spec":{"sink":{"uri":"http://other.ops.svc.cluster.local/"}}}""", System.Text.Encoding.UTF8, "application/merge-patch+json"),
            };
            (await http.SendAsync(patch)).EnsureSuccessStatusCode();
        }
        await Platform.Testing.Condition.UntilAsync(() => api.Stored("apps/v1/deployments", "ops", "heartbeat-deployment")?["spec"]?["template"]?["spec"]?["containers"]?[0]?["env"]?[1]?["value"]?.GetValue<string>() == "http://other.ops.svc.cluster.local/",
            TimeSpan.FromSeconds(20), "the Deployment follows the sink\n" + replica.App.Tail());
        Assert.Contains(api.Calls, c => c is { Method: "PUT", Path: "/apis/apps/v1/namespaces/ops/deployments/heartbeat-deployment" });
        try { Directory.Delete(folder, true); } catch (IOException) { }
    }
}
