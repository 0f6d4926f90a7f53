using System.Text.Json.Nodes;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.Sources.Tests.Infrastructure;
using Platform.Testing.Kubernetes;

namespace Platform.Sources.Tests.EndToEnd;

/// <summary>
/// SinkBindings end to end: locally on a Knative Service stored in the real control plane; in Kubernetes mode on a
/// Deployment, against our side of the Kubernetes API's contract (tests/Platform.Testing/Kubernetes).
/// </summary>
[Collection(SourcesCollection.Name)]
public sealed class SinkBindingTests(SourcesStack stack)
{
    private static string? Env(JsonObject? obj, string name) =>
        (obj?["spec"]?["template"]?["spec"]?["containers"]?[0]?["env"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(e => e.Str("name") == name)?.Str("value");

    [SkippableFact]
    public async Task Locally_a_binding_injects_the_brokers_url_into_the_services_template_follows_the_sink_and_removes_it_on_delete()
    {
        stack.SkipIfUnavailable();
        const string ns = "bind-local";
        await using var replica = await stack.StartReplicaAsync(new Dictionary<string, string>
        {
            ["Sources__Ping__Claims"] = "InProcess",
            ["Sources__BrokerUrl"] = "http://broker-ingress.test",
        }, sidecar: false);
        await stack.CreateAsync(ns, "apiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata: {name: default}");
        await stack.CreateAsync(ns, "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: hello}\nspec: {template: {spec: {containers: [{image: x, env: [{name: A, value: \"1\"}]}]}}}");
        await stack.CreateAsync(ns, """
            apiVersion: sources.knative.dev/v1
            kind: SinkBinding
            metadata: {name: bind}
            spec:
              subject: {apiVersion: serving.knative.dev/v1, kind: Service, name: hello}
              ceOverrides: {extensions: {team: blue}}
              sink: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: default}}
            """);
        var ready = await stack.WaitConditionAsync(ResourceKinds.SinkBinding, ns, "bind", "Ready", "True");
        Assert.Equal("http://broker-ingress.test/bind-local/default", ready["status"]!["sinkUri"]!.GetValue<string>());
        Assert.Equal("True", SourcesStack.ConditionOf(ready, "SinkBindingAvailable")!.Str("status"));
        Assert.Contains("sinkbindings.sources.knative.dev", ready.Finalizers());

        var service = await stack.Store.GetAsync(ResourceKinds.Service, ns, "hello");
        Assert.Equal(("1", "http://broker-ingress.test/bind-local/default", """{"extensions":{"team":"blue"}}"""),
            (Env(service, "A"), Env(service, "K_SINK"), Env(service, "K_CE_OVERRIDES")));
        Assert.Equal("bind", service!.Annotations()["sources.platform.dev/sinkbinding"]);

        // The sink changes: the Service's template follows.
        await stack.Store.PatchAsync(ResourceKinds.SinkBinding, ns, "bind", JsonNode.Parse("""{"spec":{"sink":{"ref":null,"uri":"http://elsewhere.test/events"}}}""")!.AsObject());
        await Platform.Testing.Condition.UntilAsync(async () => Env(await stack.Store.GetAsync(ResourceKinds.Service, ns, "hello"), "K_SINK") == "http://elsewhere.test/events",
            TimeSpan.FromSeconds(20), "K_SINK follows the new sink\n" + stack.Logs);

        // Deleted: the variables and the record go, then the binding (its finalizer released).
        await stack.Store.DeleteAsync(ResourceKinds.SinkBinding, ns, "bind");
        await Platform.Testing.Condition.UntilAsync(async () => await stack.Store.GetAsync(ResourceKinds.SinkBinding, ns, "bind") is null,
            TimeSpan.FromSeconds(20), "the binding is gone\n" + stack.Logs);
        service = await stack.Store.GetAsync(ResourceKinds.Service, ns, "hello");
        Assert.Equal(("1", null, null), (Env(service, "A"), Env(service, "K_SINK"), Env(service, "K_CE_OVERRIDES")));
        Assert.False(service!.Annotations().ContainsKey("sources.platform.dev/sinkbinding"));
    }

    [SkippableFact]
    public async Task Locally_a_subject_that_does_not_exist_makes_the_binding_not_ready_naming_it()
    {
        stack.SkipIfUnavailable();
        await using var replica = await stack.StartReplicaAsync(new Dictionary<string, string> { ["Sources__Ping__Claims"] = "InProcess" }, sidecar: false);
        await stack.CreateAsync("bind-missing", """
            apiVersion: sources.knative.dev/v1
            kind: SinkBinding
            metadata: {name: bind}
            spec:
              subject: {apiVersion: serving.knative.dev/v1, kind: Service, name: nowhere}
              sink: {uri: "http://example.test/"}
            """);
        var notReady = await stack.WaitConditionAsync(ResourceKinds.SinkBinding, "bind-missing", "bind", "Ready", "False");
        var available = SourcesStack.ConditionOf(notReady, "SinkBindingAvailable")!;
        Assert.Equal(("SubjectMissing", "Service \"nowhere\" not found in namespace \"bind-missing\""), (available.Str("reason"), available.Str("message")));

        // The subject appears: bound.
        await stack.CreateAsync("bind-missing", "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: nowhere}\nspec: {template: {spec: {containers: [{image: x}]}}}");
        await stack.WaitConditionAsync(ResourceKinds.SinkBinding, "bind-missing", "bind", "Ready", "True");
        Assert.Equal("http://example.test/", Env(await stack.Store.GetAsync(ResourceKinds.Service, "bind-missing", "nowhere"), "K_SINK"));
    }

    [SkippableFact]
    public async Task Binding_a_deployment_kubernetes_contract()
    {
        stack.SkipIfUnavailable();
        await using var api = await FakeKubernetesApi.StartAsync();
        var folder = Directory.CreateTempSubdirectory("sources-k8s-").FullName;
        api.Seed("apps/v1/deployments", JsonNode.Parse("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"ops","labels":{"app":"web"}},
             "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
                     "spec":{"initContainers":[{"name":"init","image":"busybox"}],"containers":[{"name":"web","image":"ghcr.io/x/web","env":[{"name":"A","value":"1"}]}]}}}}
            """)!.AsObject());
        api.Seed("sources.knative.dev/v1/sinkbindings", JsonNode.Parse("""
            {"apiVersion":"sources.knative.dev/v1","kind":"SinkBinding","metadata":{"name":"bind","namespace":"ops"},
             "spec":{"subject":{"apiVersion":"apps/v1","kind":"Deployment","selector":{"matchLabels":{"app":"web"}}},
                     "ceOverrides":{"extensions":{"team":"blue"}},"sink":{"uri":"http://sink.ops.svc.cluster.local/"}}}
            """)!.AsObject());
        await using var replica = await stack.StartReplicaAsync(new Dictionary<string, string>
        {
            ["ResourceStore__Mode"] = "Kubernetes",
            ["ResourceStore__Kubeconfig"] = api.WriteKubeconfig(folder),
            ["Sources__Ping__Claims"] = "InProcess",
        }, sidecar: false);

        await Platform.Testing.Condition.UntilAsync(() => SourcesStack.ConditionOf(api.Stored("sources.knative.dev/v1/sinkbindings", "ops", "bind"), "Ready")?.Str("status") == "True",
            TimeSpan.FromSeconds(30), "Ready=True\n" + replica.App.Tail());
        var web = api.Stored("apps/v1/deployments", "ops", "web")!;
        var pod = web["spec"]!["template"]!["spec"]!;
        Assert.Equal("""[{"name":"A","value":"1"},{"name":"K_SINK","value":"http://sink.ops.svc.cluster.local/"},{"name":"K_CE_OVERRIDES","value":"{\u0022extensions\u0022:{\u0022team\u0022:\u0022blue\u0022}}"}]""",
            pod["containers"]![0]!["env"]!.ToJsonString());
        Assert.Equal("http://sink.ops.svc.cluster.local/", pod["initContainers"]![0]!["env"]![0]!["value"]!.GetValue<string>());
        Assert.Equal("bind", web.Annotations()["sources.platform.dev/sinkbinding"]);
        Assert.Equal(2, (int)web["spec"]!["replicas"]!);
        // Our side of the contract: the Deployment replaced through the apps/v1 API with its resourceVersion; the finalizer merge-patched onto the binding.
        var put = api.Calls.First(c => c is { Method: "PUT", Path: "/apis/apps/v1/namespaces/ops/deployments/web" });
        Assert.False(string.IsNullOrEmpty(JsonNode.Parse(put.Body)!["metadata"]!["resourceVersion"]?.GetValue<string>()));
        Assert.Contains(api.Calls, c => c is { Method: "PATCH", Path: "/apis/sources.knative.dev/v1/namespaces/ops/sinkbindings/bind" }
            && c.ContentType!.StartsWith("application/merge-patch+json", StringComparison.Ordinal) && c.Body.Contains("sinkbindings.sources.knative.dev", StringComparison.Ordinal));
        try { Directory.Delete(folder, true); } catch (IOException) { }
    }
}
