using System.Text.Json.Nodes;
using k8s;
using Platform.ControlPlane.Kubernetes;
using Platform.ControlPlane.Store;
using Platform.Testing.Kubernetes;
using WatchEventType = Platform.ControlPlane.Store.WatchEventType;

namespace Platform.ServingController.Tests.Store.Kubernetes;

/// <summary>KubernetesResourceStore against the fake Kubernetes API (our side of its contract: the requests and their semantics).</summary>
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

    private const string Services = "serving.knative.dev/v1/services";

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
        _api.Seed(Services, ApiHost.ServiceObject("seeded"));
        var got = await _store.GetAsync(ApiHost.Service, "default", "seeded");
        Assert.Equal("seeded", got!.Name());
        Assert.Equal(("GET", "/apis/serving.knative.dev/v1/namespaces/default/services/seeded"), (LastCall().Method, LastCall().Path));
        Assert.Null(await _store.GetAsync(ApiHost.Service, "default", "missing"));
    }

    [Fact]
    public async Task List_namespaced_and_cluster_wide_with_label_selector_fills_kind()
    {
        _api.OmitListItemKinds = true;
        var a = ApiHost.ServiceObject("a", ns: "one");
        a.Metadata()!["labels"] = new JsonObject { ["app"] = "x" };
        _api.Seed(Services, a);
        _api.Seed(Services, ApiHost.ServiceObject("b", ns: "two"));

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
    public async Task Merge_patches_without_a_version_never_conflict_and_one_with_a_stale_version_does()
    {
        await _store.CreateAsync(ApiHost.Service, ApiHost.ServiceObject("patched"));
        // Twenty writers at once, as two autoscaler replicas patching one PodAutoscaler's status: every patch lands.
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => _store.PatchAsync(ApiHost.Service, "default", "patched",
            new JsonObject { ["status"] = new JsonObject { [$"writer{i}"] = i } }, status: true)));
        var status = (await _store.GetAsync(ApiHost.Service, "default", "patched"))!["status"]!.AsObject();
        Assert.All(Enumerable.Range(0, 20), i => Assert.Equal(i, (int)status[$"writer{i}"]!));

        var stale = await Assert.ThrowsAsync<ResourceException>(() => _store.PatchAsync(ApiHost.Service, "default", "patched",
            new JsonObject { ["metadata"] = new JsonObject { ["resourceVersion"] = "1" }, ["status"] = new JsonObject { ["late"] = true } }, status: true));
        Assert.Equal(StatusReason.Conflict, stale.Reason);
    }

    [Fact]
    public async Task Delete_sends_background_propagation_and_missing_is_false()
    {
        _api.Seed(Services, ApiHost.ServiceObject("d"));
        Assert.True(await _store.DeleteAsync(ApiHost.Service, "default", "d"));
        var call = LastCall();
        Assert.Equal(("DELETE", "/apis/serving.knative.dev/v1/namespaces/default/services/d"), (call.Method, call.Path));
        Assert.Equal("Background", JsonNode.Parse(call.Body)!["propagationPolicy"]!.GetValue<string>());
        Assert.False(await _store.DeleteAsync(ApiHost.Service, "default", "d"));
    }

    [Fact]
    public async Task Watch_streams_events_resumes_from_the_last_version_and_surfaces_gone()
    {
        var start = _api.Version;
        var a = await _store.CreateAsync(ApiHost.Service, ApiHost.ServiceObject("a"));
        a["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "v2";
        var modified = await _store.UpdateAsync(ApiHost.Service, a);
        await _store.DeleteAsync(ApiHost.Service, "default", "a");
        var deleted = _api.Version;
        _api.EndWatchAfterEvents = 1; // the server ends every stream after one event: the store resumes each time

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new List<(WatchEventType, string)>();
        Exception? caught = null;
        try
        {
            await foreach (var e in _store.WatchAsync(ApiHost.Service, "default", start.ToString(), cts.Token))
            {
                seen.Add((e.Type, e.ResourceVersion));
                if (e.Type == WatchEventType.Deleted) _api.Compact(); // the history moves on before the next resume
            }
        }
        catch (Exception e)
        {
            caught = e;
        }
        Assert.True(caught is ResourceException, $"{caught}; seen {string.Join(", ", seen)}; calls {string.Join(" | ", _api.Calls.Select(c => c.Query))}");
        var error = (ResourceException)caught!;
        Assert.Equal(new[] { (WatchEventType.Added, a.ResourceVersion()!), (WatchEventType.Modified, modified.ResourceVersion()!), (WatchEventType.Deleted, deleted.ToString()) }, seen);
        Assert.Equal(StatusReason.Gone, error.Reason);

        var watches = _api.Calls.Where(c => c.Query.Contains("watch=true")).ToList();
        Assert.Equal(4, watches.Count);
        Assert.All(watches, w => Assert.Equal("/apis/serving.knative.dev/v1/namespaces/default/services", w.Path));
        Assert.Contains($"resourceVersion={start}", watches[0].Query);
        Assert.Contains($"resourceVersion={a.ResourceVersion()}", watches[1].Query);
        Assert.Contains($"resourceVersion={modified.ResourceVersion()}", watches[2].Query);
        Assert.Contains($"resourceVersion={deleted}", watches[3].Query);
    }

    [Fact]
    public async Task Watch_asks_for_bookmarks_and_resumes_from_the_bookmarks_version()
    {
        // Changes elsewhere move the version on; an idle watch's bookmarks carry it, so the resume is not from an
        // old version the server may have dropped.
        var start = _api.Version;
        _api.Seed(Services, ApiHost.ServiceObject("other", ns: "elsewhere"));
        var moved = _api.Version;
        _api.WatchDuration = TimeSpan.FromMilliseconds(600);
        _api.BookmarkInterval = TimeSpan.FromMilliseconds(100);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var watching = Task.Run(async () =>
        {
            await foreach (var e in _store.WatchAsync(ApiHost.Service, "default", start.ToString(), cts.Token))
                return e;
            return null;
        });
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_api.Calls.Count(c => c.Query.Contains("watch=true")) < 2 && DateTime.UtcNow < deadline) await Task.Delay(20);
        await _store.CreateAsync(ApiHost.Service, ApiHost.ServiceObject("late"));
        var first = await watching;
        Assert.Equal(("late", WatchEventType.Added), (first!.Object.Name(), first.Type));

        var watches = _api.Calls.Where(c => c.Query.Contains("watch=true")).ToList();
        Assert.Contains("allowWatchBookmarks=true", watches[0].Query);
        Assert.Contains($"resourceVersion={moved}", watches[1].Query);
    }
}
