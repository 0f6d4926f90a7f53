using System.Net;
using System.Text.Json.Nodes;
using Platform.ControlPlane.Store;

namespace Platform.ServingController.Tests.Watch;

public sealed class WatchApiTests : IAsyncLifetime
{
    private readonly ApiHost _host = new(settings: new Dictionary<string, string?> { ["ControlPlane:WatchHistory"] = "5" });
    private const string Services = ApiHost.Services_;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<List<(string Type, JsonObject Object)>> ReadEventsAsync(string query, int count, Func<Task>? whileWatching = null)
    {
        using var cts = new CancellationTokenSource(Patience);
        using var request = new HttpRequestMessage(HttpMethod.Get, Services + "?watch=true" + query);
        using var response = await _host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        var events = new List<(string, JsonObject)>();
        var writer = whileWatching?.Invoke() ?? Task.CompletedTask;
        while (events.Count < count && await reader.ReadLineAsync(cts.Token) is { } line)
        {
            var node = JsonNode.Parse(line)!.AsObject();
            events.Add((node.Str("type")!, node["object"]!.AsObject()));
        }
        await writer;
        return events;
    }

    [Fact]
    public async Task Watch_delivers_added_modified_deleted_in_resourceVersion_order()
    {
        var start = (await _host.Store.ListAsync(ApiHost.Service, "default")).ResourceVersion;
        var events = await ReadEventsAsync("&resourceVersion=" + start, 4, async () =>
        {
            var a = await _host.Store.CreateAsync(ApiHost.Service, ApiHost.ServiceObject("wa"));
            await _host.Store.CreateAsync(ApiHost.Service, ApiHost.ServiceObject("wb"));
            a["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "v2";
            await _host.Store.UpdateAsync(ApiHost.Service, a);
            await _host.Store.DeleteAsync(ApiHost.Service, "default", "wb");
        });
        Assert.Equal(new[] { "ADDED", "ADDED", "MODIFIED", "DELETED" }, events.Select(e => e.Type));
        Assert.Equal(new[] { "wa", "wb", "wa", "wb" }, events.Select(e => e.Object.Name()));
        var versions = events.Select(e => long.Parse(e.Object.ResourceVersion()!)).ToList();
        Assert.Equal(versions.Order(), versions);
        Assert.Equal(versions.Count, versions.Distinct().Count());
    }

    [Fact]
    public async Task Watch_without_resourceVersion_starts_with_existing_objects()
    {
        await _host.Store.CreateAsync(ApiHost.Service, ApiHost.ServiceObject("pre1"));
        await _host.Store.CreateAsync(ApiHost.Service, ApiHost.ServiceObject("pre2"));
        var events = await ReadEventsAsync("", 3, () => _host.Store.CreateAsync(ApiHost.Service, ApiHost.ServiceObject("post")));
        Assert.Equal(new[] { ("ADDED", "pre1"), ("ADDED", "pre2"), ("ADDED", "post") }, events.Select(e => (e.Type, e.Object.Name()!)));
    }

    [Fact]
    public async Task Watch_resumes_from_a_resourceVersion_replaying_later_events_only()
    {
        var first = await _host.Store.CreateAsync(ApiHost.Service, ApiHost.ServiceObject("r1"));
        await _host.Store.CreateAsync(ApiHost.Service, ApiHost.ServiceObject("r2"));
        await _host.Store.CreateAsync(ApiHost.Service, ApiHost.ServiceObject("r3"));
        var events = await ReadEventsAsync("&resourceVersion=" + first.ResourceVersion(), 2);
        Assert.Equal(new[] { "r2", "r3" }, events.Select(e => e.Object.Name()));
    }

    [Fact]
    public async Task Watch_from_a_version_older_than_the_history_is_410_gone()
    {
        var first = await _host.Store.CreateAsync(ApiHost.Service, ApiHost.ServiceObject("old"));
        for (var i = 0; i < 6; i++) await _host.Store.CreateAsync(ApiHost.Service, ApiHost.ServiceObject($"n{i}"));
        var response = await _host.Client.GetAsync($"{Services}?watch=true&resourceVersion={first.ResourceVersion()}");
        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        var status = await ApiHost.ReadAsync(response);
        Assert.Equal("Gone", status.Str("reason"));
        Assert.Contains("too old resource version", status.Str("message"));

        var error = await Assert.ThrowsAsync<ResourceException>(async () =>
        {
            await foreach (var _ in _host.Store.WatchAsync(ApiHost.Service, "default", first.ResourceVersion())) { }
        });
        Assert.Equal(StatusReason.Gone, error.Reason);
    }

    [Fact]
    public async Task Watch_filters_by_namespace_and_all_namespaces_sees_both()
    {
        using var cts = new CancellationTokenSource(Patience);
        var start = (await _host.Store.ListAsync(ApiHost.Service, null)).ResourceVersion;
        await _host.Store.CreateAsync(ApiHost.Service, ApiHost.ServiceObject("x", ns: "other"));
        await _host.Store.CreateAsync(ApiHost.Service, ApiHost.ServiceObject("y", ns: "default"));

        var inDefault = new List<string>();
        await foreach (var e in _host.Store.WatchAsync(ApiHost.Service, "default", start, cts.Token))
        {
            inDefault.Add(e.Object.Name()!);
            break;
        }
        Assert.Equal(new[] { "y" }, inDefault);

        var everywhere = new List<string>();
        await foreach (var e in _host.Store.WatchAsync(ApiHost.Service, null, start, cts.Token))
        {
            everywhere.Add($"{e.Object.Namespace()}/{e.Object.Name()}");
            if (everywhere.Count == 2) break;
        }
        Assert.Equal(new[] { "other/x", "default/y" }, everywhere);
    }

    [Fact]
    public async Task Watch_with_timeoutSeconds_ends_and_bad_resourceVersion_is_400()
    {
        using var cts = new CancellationTokenSource(Patience);
        var response = await _host.Client.GetAsync($"{Services}?watch=true&timeoutSeconds=1", cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bad = await _host.Client.GetAsync($"{Services}?watch=true&resourceVersion=abc", cts.Token);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
