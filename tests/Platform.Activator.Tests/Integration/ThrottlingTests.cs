using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Activator.Tests.Integration;

public class ThrottlingTests
{
    private static async Task<string> ErrorOf(HttpResponseMessage r) =>
        JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()!;

    [Fact]
    public async Task Cc_1_allows_one_request_in_flight_per_replica()
    {
        await using var one = await Backend.StartAsync("a");
        await using var two = await Backend.StartAsync("b");
        await using var activator = await TestActivator.StartAsync();
        await activator.ApplyAsync(TestActivator.Table("hello", 1, null, null, ("hello-00001", 100, null, [one.Endpoint, two.Endpoint])));
        using var client = activator.Client();

        var requests = Enumerable.Range(0, 6).Select(_ => client.GetAsync(activator.Url("hello.default.localhost", "/gate"))).ToList();
        await TestActivator.EventuallyAsync(() => activator.State("default", "hello-00001") is { InFlight: 2, Queued: 4 }, "2 in flight, 4 queued");
        await TestActivator.EventuallyAsync(() => one.Current == 1 && two.Current == 1, "one request at each replica");
        one.Gate.SetResult();
        two.Gate.SetResult();
        foreach (var r in requests) Assert.Equal(HttpStatusCode.OK, (await r).StatusCode);
        Assert.Equal(1, one.MaxConcurrent);
        Assert.Equal(1, two.MaxConcurrent);
        await TestActivator.EventuallyAsync(() => activator.State("default", "hello-00001").InFlight == 0, "every in-flight slot to be released (the client can read the answer before the activator unwinds)");
    }

    [Fact]
    public async Task Requests_held_at_zero_end_503_naming_the_failure_when_the_revision_cannot_start()
    {
        // The revision's replica exits at start: its backend's failure reaches the activator with the endpoints, and
        // requests held for it end at once (not after the 300 s default timeout), with the reason.
        await using var activator = await TestActivator.StartAsync();
        await activator.ApplyAsync(TestActivator.Table("hello", 0, null, null, ("hello-00001", 100, null, [])));
        using var client = activator.Client();
        var held = Enumerable.Range(0, 3).Select(_ => client.GetAsync(activator.Url("hello.default.localhost"))).ToList();
        await TestActivator.EventuallyAsync(() => activator.State("default", "hello-00001").Queued == 3, "3 requests held");

        using var push = await activator.Control.PutAsJsonAsync("/activator/v1/revisions/default/hello-00001/endpoints",
            new Platform.Serving.Contracts.Routing.EndpointsUpdate { Endpoints = [], Failure = "ExitCode3: fatal: cannot open config.json" });
        Assert.True(push.IsSuccessStatusCode, await push.Content.ReadAsStringAsync());
        foreach (var r in held)
        {
            using var response = await r;
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("revision-failed", body.GetProperty("error").GetString());
            Assert.Contains("ExitCode3: fatal: cannot open config.json", body.GetProperty("message").GetString());
        }
        using (var next = await client.GetAsync(activator.Url("hello.default.localhost")))
            Assert.Equal("revision-failed", await ErrorOf(next));

        // Too long a failure text is refused with its field path, nothing applied.
        using var tooLong = await activator.Control.PutAsJsonAsync("/activator/v1/revisions/default/hello-00001/endpoints",
            new Platform.Serving.Contracts.Routing.EndpointsUpdate { Endpoints = [], Failure = new string('x', 5000) });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("failure: at most 2048 characters", await tooLong.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Full_queue_answers_503_at_once()
    {
        await using var backend = await Backend.StartAsync("a");
        await using var activator = await TestActivator.StartAsync();
        await activator.ApplyAsync(TestActivator.Table("hello", 1, null, null, ("hello-00001", 100, null, [backend.Endpoint])));
        using var client = activator.Client();

        var accepted = Enumerable.Range(0, 11).Select(_ => client.GetAsync(activator.Url("hello.default.localhost", "/gate"))).ToList();
        await TestActivator.EventuallyAsync(() => activator.State("default", "hello-00001") is { InFlight: 1, Queued: 10 }, "1 in flight, 10 queued");
        using var refused = await client.GetAsync(activator.Url("hello.default.localhost", "/gate"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("queue-full", await ErrorOf(refused));

        backend.Gate.SetResult();
        foreach (var r in accepted) Assert.Equal(HttpStatusCode.OK, (await r).StatusCode);
        Assert.Equal(1, backend.MaxConcurrent);
    }

    [Fact]
    public async Task Slow_revision_answers_504_after_its_timeout()
    {
        await using var backend = await Backend.StartAsync("a");
        await using var activator = await TestActivator.StartAsync();
        await activator.ApplyAsync(TestActivator.Table("hello", 0, 1, null, ("hello-00001", 100, null, [backend.Endpoint])));
        using var client = activator.Client();

        using var response = await client.GetAsync(activator.Url("hello.default.localhost", "/slow?ms=20000"));
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("timeout", await ErrorOf(response));
        await TestActivator.EventuallyAsync(() => backend.Aborted == 1, "the backend request to be canceled");
        await TestActivator.EventuallyAsync(() => activator.State("default", "hello-00001").InFlight == 0, "every in-flight slot to be released (the client can read the answer before the activator unwinds)");
    }

    [Fact]
    public async Task Held_requests_are_released_when_an_endpoint_appears_and_poke_once()
    {
        await using var backend = await Backend.StartAsync("a");
        await using var activator = await TestActivator.StartAsync();
        await activator.ApplyAsync(TestActivator.Table("hello", 0, null, null, ("hello-00001", 100, null, [])));
        using var client = activator.Client();

        var held = Enumerable.Range(0, 3).Select(_ => client.GetStringAsync(activator.Url("hello.default.localhost"))).ToList();
        Assert.Equal("default/hello-00001", await activator.Pokes.FirstPoke.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        await TestActivator.EventuallyAsync(() => activator.State("default", "hello-00001").Queued == 3, "3 held");
        Assert.All(held, h => Assert.False(h.IsCompleted));

        await activator.SetEndpointsAsync("default", "hello-00001", backend.Endpoint);
        foreach (var h in held) Assert.Equal("a", await h);
        Assert.Equal(1, activator.Pokes.Count);
    }

    [Fact]
    public async Task Held_request_answers_503_after_its_timeout()
    {
        await using var activator = await TestActivator.StartAsync();
        await activator.ApplyAsync(TestActivator.Table("hello", 0, 1, null, ("hello-00001", 100, null, [])));
        using var client = activator.Client();

        using var response = await client.GetAsync(activator.Url("hello.default.localhost"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("activation-timeout", await ErrorOf(response));
        Assert.Equal(1, activator.Pokes.Count);
        Assert.Equal(0, activator.State("default", "hello-00001").Queued);
    }

    [Fact]
    public async Task Client_disconnect_returns_the_slot_and_leaves_the_queue()
    {
        await using var backend = await Backend.StartAsync("a");
        await using var activator = await TestActivator.StartAsync();
        await activator.ApplyAsync(TestActivator.Table("hello", 1, null, null, ("hello-00001", 100, null, [backend.Endpoint])));
        using var client = activator.Client();

        using var inFlight = new CancellationTokenSource();
        using var queued = new CancellationTokenSource();
        var a = client.GetAsync(activator.Url("hello.default.localhost", "/gate"), inFlight.Token);
        await TestActivator.EventuallyAsync(() => backend.Current == 1, "the first request at the backend");
        var b = client.GetAsync(activator.Url("hello.default.localhost", "/gate"), queued.Token);
        await TestActivator.EventuallyAsync(() => activator.State("default", "hello-00001").Queued == 1, "the second request queued");

        // One at a time: the server notices two disconnects in no fixed order, and had it seen the in-flight one first
        // it would rightly have handed the freed slot to the queued request before seeing that one go too.
        queued.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => b);
        await TestActivator.EventuallyAsync(() => activator.State("default", "hello-00001") is { InFlight: 1, Queued: 0 }, "the queued request to leave the queue");
        inFlight.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => a);
        await TestActivator.EventuallyAsync(() => activator.State("default", "hello-00001") is { InFlight: 0, Queued: 0 }, "slot and queue freed");
        await TestActivator.EventuallyAsync(() => backend is { Aborted: 1, Current: 0 }, "the backend request to be canceled");

        backend.Gate.SetResult();
        Assert.Equal("a", await client.GetStringAsync(activator.Url("hello.default.localhost", "/gate")));
        Assert.Equal(1, backend.MaxConcurrent);
    }
}
