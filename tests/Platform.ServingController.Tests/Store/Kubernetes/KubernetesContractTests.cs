using System.Text.Json.Nodes;
using k8s;
using WatchEventType = Platform.ControlPlane.Store.WatchEventType;
using Platform.ControlPlane.Store;
using Platform.ControlPlane.Server.Catalog;
using Platform.ControlPlane.Kubernetes;

namespace Platform.ServingController.Tests.Store.Kubernetes;

/// <summary>KubernetesResourceStore against an HTTP server that answers like the Kubernetes API.</summary>
public sealed class KubernetesContractTests : IAsyncLifetime
{
    private FakeKubernetesApi _api = null!;
    private KubernetesResourceStore _store = null!;
    private k8s.Kubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeKubernetesApi.StartAsync();
        _client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = _api.Url });
        _store = new KubernetesResourceStore(_client);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
    }

    private FakeKubernetesApi.Call LastCall() => _api.Calls.Last();

    [Fact]
    public async Task Create_posts_the_object_to_the_namespaced_collection()
    {
        var created = await _store.CreateAsync(ApiHost.Service, ApiHost.ServiceObject("hello", ns: "team"));
        Assert.Equal("hello", created.Name());
        Assert.False(string.IsNullOrEmpty(created.Uid()));
        var call = LastCall();
        Assert.Equal(("POST", "/apis/serving.knative.dev/v1/namespaces/team/services"), (call.Method, call.Path));
        var sent = JsonNode.Parse(call.Body)!.AsObject();
        Assert.Equal("serving.knative.dev/v1", sent.Str("apiVersion"));
        Assert.Equal("Service", sent.Str("kind"));

        var again = await Assert.ThrowsAsync<ResourceException>(() => _store.CreateAsync(ApiHost.Service, ApiHost.ServiceObject("hello", ns: "team")));
        Assert.Equal(StatusReason.AlreadyExists, again.Reason);
    }

    [Fact]
    public async Task Get_reads_one_object_and_missing_is_null()
    {
        _api.Seed(ApiHost.ServiceObject("seeded"));
        var got = await _store.GetAsync(ApiHost.Service, "default", "seeded");
        Assert.Equal("seeded", got!.Name());
        Assert.Equal(("GET", "/apis/serving.knative.dev/v1/namespaces/default/services/seeded"), (LastCall().Method, LastCall().Path));
        Assert.Null(await _store.GetAsync(ApiHost.Service, "default", "missing"));
    }

    [Fact]
    public async Task List_namespaced_and_cluster_wide_with_label_selector_fills_kind()
    {
        var a = ApiHost.ServiceObject("a", ns: "one");
        a.Metadata()!["labels"] = new JsonObject { ["app"] = "x" };
        _api.Seed(a);
        _api.Seed(ApiHost.ServiceObject("b", ns: "two"));

        var inOne = await _store.ListAsync(ApiHost.Service, "one");
        Assert.Equal(new[] { "a" }, inOne.Items.Select(i => i.Name()));
        Assert.Equal("/apis/serving.knative.dev/v1/namespaces/one/services", LastCall().Path);
        Assert.Equal("Service", inOne.Items[0].Str("kind"));
        Assert.Equal("serving.knative.dev/v1", inOne.Items[0].Str("apiVersion"));
        Assert.False(string.IsNullOrEmpty(inOne.ResourceVersion));

        var all = await _store.ListAsync(ApiHost.Service, null, "app=x");
        Assert.Equal("/apis/serving.knative.dev/v1/services", LastCall().Path);
        Assert.Contains("labelSelector=app%3Dx", LastCall().Query);
        Assert.Equal(new[] { "a" }, all.Items.Select(i => i.Name()));
    }

    [Fact]
    public async Task Update_replaces_with_put_and_a_stale_version_is_conflict()
    {
        var created = await _store.CreateAsync(ApiHost.Service, ApiHost.ServiceObject("r"));
        created["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "v2";
        var updated = await _store.UpdateAsync(ApiHost.Service, created);
        Assert.Equal(("PUT", "/apis/serving.knative.dev/v1/namespaces/default/services/r"), (LastCall().Method, LastCall().Path));
        Assert.NotEqual(created.ResourceVersion(), updated.ResourceVersion());

        var conflict = await Assert.ThrowsAsync<ResourceException>(() => _store.UpdateAsync(ApiHost.Service, created));
        Assert.Equal(StatusReason.Conflict, conflict.Reason);
    }

    [Fact]
    public async Task UpdateStatus_json_patches_the_status_subresource_with_a_version_precondition()
    {
        var created = await _store.CreateAsync(ApiHost.Service, ApiHost.ServiceObject("s"));
        var withStatus = (JsonObject)created.DeepClone();
        withStatus["status"] = new JsonObject { ["observedGeneration"] = 1 };
        var updated = await _store.UpdateStatusAsync(ApiHost.Service, withStatus);
        Assert.Equal(1, (int)updated["status"]!["observedGeneration"]!);

        var call = LastCall();
        Assert.Equal(("PATCH", "/apis/serving.knative.dev/v1/namespaces/default/services/s/status"), (call.Method, call.Path));
        Assert.Equal("application/json-patch+json", call.ContentType?.Split(';')[0]);
        var ops = JsonNode.Parse(call.Body)!.AsArray();
        Assert.Equal("/metadata/resourceVersion", ops[0]!["path"]!.GetValue<string>());
        Assert.Equal(created.ResourceVersion(), ops[0]!["value"]!.GetValue<string>());
        Assert.Equal("/status", ops[1]!["path"]!.GetValue<string>());

        var stale = await Assert.ThrowsAsync<ResourceException>(() => _store.UpdateStatusAsync(ApiHost.Service, withStatus));
        Assert.Equal(StatusReason.Conflict, stale.Reason);
    }

    [Fact]
    public async Task Delete_sends_background_propagation_and_missing_is_false()
    {
        _api.Seed(ApiHost.ServiceObject("d"));
        Assert.True(await _store.DeleteAsync(ApiHost.Service, "default", "d"));
        var call = LastCall();
        Assert.Equal(("DELETE", "/apis/serving.knative.dev/v1/namespaces/default/services/d"), (call.Method, call.Path));
        Assert.Equal("Background", JsonNode.Parse(call.Body)!["propagationPolicy"]!.GetValue<string>());
        Assert.False(await _store.DeleteAsync(ApiHost.Service, "default", "d"));
    }

    [Fact]
    public async Task Watch_streams_events_resumes_from_the_last_version_and_surfaces_gone()
    {
        static string Line(string type, string name, string rv) => new JsonObject
        {
            ["type"] = type,
            ["object"] = new JsonObject
            {
                ["apiVersion"] = "serving.knative.dev/v1", ["kind"] = "Service",
                ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default", ["resourceVersion"] = rv },
            },
        }.ToJsonString();
        _api.WatchScripts.Enqueue([Line("ADDED", "a", "11"), Line("MODIFIED", "a", "12")]);
        _api.WatchScripts.Enqueue([Line("DELETED", "a", "13")]);
        _api.WatchScripts.Enqueue([new JsonObject
        {
            ["type"] = "ERROR",
            ["object"] = new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Failure", ["message"] = "too old resource version: 13 (50)", ["reason"] = "Expired", ["code"] = 410 },
        }.ToJsonString()]);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new List<(WatchEventType, string)>();
        var error = await Assert.ThrowsAsync<ResourceException>(async () =>
        {
            await foreach (var e in _store.WatchAsync(ApiHost.Service, "default", "10", cts.Token))
                seen.Add((e.Type, e.ResourceVersion));
        });
        Assert.Equal(new[] { (WatchEventType.Added, "11"), (WatchEventType.Modified, "12"), (WatchEventType.Deleted, "13") }, seen);
        Assert.Equal(StatusReason.Gone, error.Reason);

        var watches = _api.Calls.Where(c => c.Query.Contains("watch=true")).ToList();
        Assert.Equal(3, watches.Count);
        Assert.All(watches, w => Assert.Equal("/apis/serving.knative.dev/v1/namespaces/default/services", w.Path));
        Assert.Contains("resourceVersion=10", watches[0].Query);
        Assert.Contains("resourceVersion=12", watches[1].Query);
        Assert.Contains("resourceVersion=13", watches[2].Query);
    }
}
