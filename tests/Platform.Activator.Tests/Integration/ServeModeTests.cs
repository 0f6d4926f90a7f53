using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Serving.Contracts.Routing;

namespace Platform.Activator.Tests.Integration;

/// <summary>
/// Target burst capacity acted on: in Serve mode (the autoscaler saw spare capacity) requests skip the throttler's
/// queue and containerConcurrency cap and go straight to a ready replica; back in Proxy mode they are queued again.
/// </summary>
public class ServeModeTests
{
    private const string Revision = "hello-00001";

    private static async Task PushAsync(TestActivator activator, string? mode, params string[] endpoints)
    {
        using var response = await activator.Control.PutAsJsonAsync($"/activator/v1/revisions/default/{Revision}/endpoints",
            new EndpointsUpdate { Endpoints = endpoints, Mode = mode });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<List<string>> ErrorsOf(HttpResponseMessage response) =>
        [.. JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!)];

    [Fact]
    public async Task Serve_mode_bypasses_the_throttler_and_proxy_mode_after_a_capacity_drop_queues_again()
    {
        await using var backend = await Backend.StartAsync("a");
        await using var activator = await TestActivator.StartAsync();
        // containerConcurrency 1: in Proxy mode a second request waits in the throttler's queue.
        await activator.ApplyAsync(TestActivator.Table("hello", 1, null, null, (Revision, 100, null, [backend.Endpoint])));
        await PushAsync(activator, ActivatorModes.Serve, backend.Endpoint);
        Assert.Equal(ActivatorModes.Serve, activator.State("default", Revision).Mode);
        using var client = activator.Client();

        var served = Enumerable.Range(0, 3).Select(_ => client.GetAsync(activator.Url("hello.default.localhost", "/gate"))).ToList();
        // All three reach the replica at once: no queue, no cap of 1.
        await TestActivator.EventuallyAsync(() => backend.Current == 3, "three requests at the replica together");
        var state = activator.State("default", Revision);
        Assert.True(state is { Queued: 0, Bypassed: 3 }, $"serve mode: {state}");

        // Capacity dropped: the autoscaler puts the activator back (Proxy). New requests are capped and queued.
        await PushAsync(activator, ActivatorModes.Proxy, backend.Endpoint);
        var proxied = Enumerable.Range(0, 2).Select(_ => client.GetAsync(activator.Url("hello.default.localhost", "/gate"))).ToList();
        await TestActivator.EventuallyAsync(() => activator.State("default", Revision).Queued == 2, "two requests queued in proxy mode");
        Assert.Equal(3, backend.Current);

        backend.Gate.SetResult();
        foreach (var r in served.Concat(proxied)) Assert.Equal(HttpStatusCode.OK, (await r).StatusCode);
        // The throttler frees a request's slot once its response is complete, which the client may see a moment first.
        await TestActivator.EventuallyAsync(() => activator.State("default", Revision).InFlight == 0, "every slot freed");
        state = activator.State("default", Revision);
        Assert.True(state is { Mode: ActivatorModes.Proxy, Bypassed: 3, InFlight: 0, Queued: 0 }, $"proxy mode: {state}");

        // The stats view shows the mode and the count.
        var view = await activator.Control.GetFromJsonAsync<JsonElement>("/activator/v1/stats");
        var revision = view.GetProperty("revisions").EnumerateArray().Single(r => r.GetProperty("revision").GetString() == Revision);
        Assert.Equal(3, revision.GetProperty("state").GetProperty("bypassed").GetInt64());
    }

    [Fact]
    public async Task Serve_mode_at_zero_still_holds_requests_until_a_replica_is_ready()
    {
        await using var backend = await Backend.StartAsync("a");
        await using var activator = await TestActivator.StartAsync();
        var table = TestActivator.Table("hello", 1, null, null, (Revision, 100, null, []));
        table = table with { Revisions = [table.Revisions![0] with { Mode = ActivatorModes.Serve }] };
        await activator.ApplyAsync(table);
        using var client = activator.Client();

        var held = client.GetAsync(activator.Url("hello.default.localhost"));
        await TestActivator.EventuallyAsync(() => activator.State("default", Revision).Queued == 1, "the request held at zero");
        await activator.Pokes.FirstPoke.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await PushAsync(activator, ActivatorModes.Serve, backend.Endpoint);
        Assert.Equal(HttpStatusCode.OK, (await held).StatusCode);
        Assert.Equal(1, activator.State("default", Revision).Bypassed);
    }

    [Fact]
    public async Task An_unknown_mode_is_refused_with_its_field_path()
    {
        await using var activator = await TestActivator.StartAsync();
        var table = TestActivator.Table("hello", 1, null, null, (Revision, 100, null, []));
        using var badTable = await activator.Control.PutAsJsonAsync("/activator/v1/routes",
            table with { Revisions = [table.Revisions![0] with { Mode = "serve" }] });
        Assert.Equal(HttpStatusCode.BadRequest, badTable.StatusCode);
        Assert.Contains("revisions[0].mode: must be \"Proxy\", \"Serve\" or absent, got \"serve\"", await ErrorsOf(badTable));

        await activator.ApplyAsync(table);
        using var badUpdate = await activator.Control.PutAsJsonAsync($"/activator/v1/revisions/default/{Revision}/endpoints",
            new EndpointsUpdate { Endpoints = [], Mode = "Direct" });
        Assert.Equal(HttpStatusCode.BadRequest, badUpdate.StatusCode);
        Assert.Contains("mode: must be \"Proxy\", \"Serve\" or absent, got \"Direct\"", await ErrorsOf(badUpdate));
    }
}
