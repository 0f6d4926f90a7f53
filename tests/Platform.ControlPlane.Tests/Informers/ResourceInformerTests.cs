using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.ControlPlane.Informers;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Kubernetes;
using Platform.ControlPlane.Store;
using Platform.Testing.Kubernetes;

namespace Platform.ControlPlane.Tests.Informers;

/// <summary>The informer over the Kubernetes store and the fake Kubernetes API: list, watch, resume, re-list after 410.</summary>
public sealed class ResourceInformerTests : IAsyncLifetime
{
    private const string Services = "serving.knative.dev/v1/services";
    private FakeKubernetesApi _api = null!;
    private k8s.Kubernetes _client = null!;
    private KubernetesResourceStore _store = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeKubernetesApi.StartAsync();
        _client = new k8s.Kubernetes(new k8s.KubernetesClientConfiguration { Host = _api.Url });
        _store = new KubernetesResourceStore(_client);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
    }

    private static JsonObject Service(string name) => new()
    {
        ["apiVersion"] = "serving.knative.dev/v1",
        ["kind"] = "Service",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
        ["spec"] = new JsonObject(),
    };

    [Fact]
    public async Task Lists_then_follows_changes_and_after_410_relists_delivering_what_it_missed()
    {
        _api.Seed(Services, Service("a"));
        _api.Seed(Services, Service("b"));
        var informer = new ResourceInformer(_store, ResourceKinds.Service, null, NullLogger.Instance);
        var events = new ConcurrentQueue<(WatchEventType Type, string Name)>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var running = informer.RunAsync((e, _) => { events.Enqueue((e.Type, e.Object.Name()!)); return Task.CompletedTask; }, cts.Token);

        await informer.Synced.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["a", "b"], informer.List().Select(o => o.Name()).Order());
        Assert.Equal([(WatchEventType.Added, "a"), (WatchEventType.Added, "b")], events.OrderBy(e => e.Name).ToArray());

        // A live change arrives as an event and in the cache.
        await _store.CreateAsync(ResourceKinds.Service, Service("c"));
        await Until(() => events.Contains((WatchEventType.Added, "c")), "c added");
        Assert.NotNull(informer.Get("default", "c"));

        // The server ends the watch: the informer resumes from the last version.
        var before = _api.Calls.Count(c => c.Query.Contains("watch=true"));
        _api.EndWatches();
        await Until(() => _api.Calls.Count(c => c.Query.Contains("watch=true")) > before, "the watch to be resumed");
        var lists = _api.Calls.Count(c => c.Method == "GET" && !c.Query.Contains("watch=true"));

        // While nobody watches, b is deleted and d created and the history compacted: the next resume gets 410 Gone,
        // the informer lists again and delivers the difference as events.
        _api.WatchDuration = TimeSpan.FromMilliseconds(1); // no stream stays open: changes are only seen by a list
        _api.EndWatches();
        await _store.DeleteAsync(ResourceKinds.Service, "default", "b");
        await _store.CreateAsync(ResourceKinds.Service, Service("d"));
        _api.Compact();
        _api.WatchDuration = TimeSpan.FromSeconds(30);
        await Until(() => events.Contains((WatchEventType.Deleted, "b")) && events.Contains((WatchEventType.Added, "d")), "b deleted and d added");
        Assert.True(_api.Calls.Count(c => c.Method == "GET" && !c.Query.Contains("watch=true")) > lists, "the informer listed again");
        Assert.Equal(["a", "c", "d"], informer.List().Select(o => o.Name()).Order());
        Assert.Single(events, e => e == (WatchEventType.Deleted, "b"));

        await cts.CancelAsync();
        await running;
    }

    [Fact]
    public async Task A_handler_that_throws_does_not_stop_the_informer()
    {
        var informer = new ResourceInformer(_store, ResourceKinds.Service, "default", NullLogger.Instance);
        var seen = new ConcurrentQueue<string>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var running = informer.RunAsync((e, _) =>
        {
            seen.Enqueue(e.Object.Name()!);
            return e.Object.Name() == "bad" ? throw new InvalidOperationException("handler bug") : Task.CompletedTask;
        }, cts.Token);
        await informer.Synced.WaitAsync(TimeSpan.FromSeconds(10));
        await _store.CreateAsync(ResourceKinds.Service, Service("bad"));
        await _store.CreateAsync(ResourceKinds.Service, Service("good"));
        await Until(() => seen.Contains("good"), "the event after the failing one");
        await cts.CancelAsync();
        await running;
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what}: not within 20 s");
            await Task.Delay(20);
        }
    }
}
