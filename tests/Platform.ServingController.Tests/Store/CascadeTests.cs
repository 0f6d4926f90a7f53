using System.Net;
using System.Text.Json.Nodes;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;

namespace Platform.ServingController.Tests.Store;

public sealed class CascadeTests : IAsyncLifetime
{
    private readonly ApiHost _host = new();
    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static JsonObject Owned(ResourceKind kind, string name, JsonObject owner, string[]? finalizers = null)
    {
        var obj = new JsonObject
        {
            ["apiVersion"] = kind.ApiVersion,
            ["kind"] = kind.Kind,
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = "default",
                ["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = owner.Str("apiVersion"),
                    ["kind"] = owner.Str("kind"),
                    ["name"] = owner.Name(),
                    ["uid"] = owner.Uid(),
                    ["controller"] = true,
                }),
            },
        };
        if (finalizers is not null) obj.Metadata()!["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode)f).ToArray());
        return obj;
    }

    private async Task<(JsonObject Service, JsonObject Config)> TreeAsync(string name)
    {
        var store = _host.Store;
        var service = await store.CreateAsync(ApiHost.Service, ApiHost.ServiceObject(name));
        var config = await store.CreateAsync(ApiHost.Configuration, Owned(ApiHost.Configuration, name, service));
        await store.CreateAsync(ApiHost.Revision, Owned(ApiHost.Revision, name + "-00001", config));
        await store.CreateAsync(ApiHost.Revision, Owned(ApiHost.Revision, name + "-00002", config));
        await store.CreateAsync(ApiHost.Route, Owned(ApiHost.Route, name, service));
        return (service, config);
    }

    [Fact]
    public async Task Deleting_a_service_deletes_its_configuration_revisions_and_route()
    {
        await TreeAsync("hello");
        await TreeAsync("keep");
        Assert.True(await _host.Store.DeleteAsync(ApiHost.Service, "default", "hello"));
        foreach (var (kind, name) in new[] { (ApiHost.Configuration, "hello"), (ApiHost.Revision, "hello-00001"), (ApiHost.Revision, "hello-00002"), (ApiHost.Route, "hello") })
            Assert.Null(await _host.Store.GetAsync(kind, "default", name));
        Assert.NotNull(await _host.Store.GetAsync(ApiHost.Revision, "default", "keep-00001"));
        Assert.NotNull(await _host.Store.GetAsync(ApiHost.Route, "default", "keep"));
    }

    [Fact]
    public async Task Cascade_events_reach_watchers_as_deletes()
    {
        var (service, _) = await TreeAsync("watched");
        var from = (await _host.Store.ListAsync(ApiHost.Revision, "default")).ResourceVersion;
        await _host.Store.DeleteAsync(ApiHost.Service, "default", "watched");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var names = new List<string>();
        await foreach (var e in _host.Store.WatchAsync(ApiHost.Revision, "default", from, cts.Token))
        {
            Assert.Equal(WatchEventType.Deleted, e.Type);
            names.Add(e.Object.Name()!);
            if (names.Count == 2) break;
        }
        Assert.Equal(new[] { "watched-00001", "watched-00002" }, names.Order());
        Assert.NotEqual(service.ResourceVersion(), from);
    }

    [Fact]
    public async Task Orphan_propagation_keeps_dependents_without_the_owner_reference()
    {
        await TreeAsync("orphan");
        var response = await _host.Client.DeleteAsync($"{ApiHost.Services_}/orphan?propagationPolicy=Orphan");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var route = await _host.Store.GetAsync(ApiHost.Route, "default", "orphan");
        Assert.NotNull(route);
        Assert.Empty(route.OwnerUids());
    }

    [Fact]
    public async Task Finalizers_hold_a_delete_until_removed()
    {
        var service = await _host.Store.CreateAsync(ApiHost.Service, ApiHost.ServiceObject("fin"));
        var route = await _host.Store.CreateAsync(ApiHost.Route, Owned(ApiHost.Route, "fin", service, ["platform.dev/cleanup"]));

        Assert.True(await _host.Store.DeleteAsync(ApiHost.Service, "default", "fin"));
        Assert.Null(await _host.Store.GetAsync(ApiHost.Service, "default", "fin"));
        var terminating = await _host.Store.GetAsync(ApiHost.Route, "default", "fin");
        Assert.NotNull(terminating);
        Assert.NotNull(terminating.DeletionTimestamp());
        Assert.Equal(route.Uid(), terminating.Uid());

        // A second delete of a terminating object changes nothing.
        Assert.True(await _host.Store.DeleteAsync(ApiHost.Route, "default", "fin"));
        Assert.Equal(terminating.ResourceVersion(), (await _host.Store.GetAsync(ApiHost.Route, "default", "fin"))!.ResourceVersion());

        terminating.Metadata()!.Remove("finalizers");
        await _host.Store.UpdateAsync(ApiHost.Route, terminating);
        Assert.Null(await _host.Store.GetAsync(ApiHost.Route, "default", "fin"));
    }
}
