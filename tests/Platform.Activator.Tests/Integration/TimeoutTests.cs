using System.Net;
using System.Text.Json.Nodes;
using Platform.Serving.Contracts.Routing;

namespace Platform.Activator.Tests.Integration;

/// <summary>
/// Knative's three request limits as queue-proxy enforces them: <c>responseStartTimeoutSeconds</c> (504 when the
/// replica has not started its response), <c>idleTimeoutSeconds</c> (504 before the response, the stream closed after),
/// neither limiting a response that keeps moving. Each revision has <c>timeoutSeconds</c> 30, far above what is tested.
/// </summary>
public class TimeoutTests
{
    private static RouteTable Table(string endpoint, int? responseStart, int? idle)
    {
        var table = TestActivator.Table("hello", 0, 30, null, ("hello-00001", 100, null, [endpoint]));
        return table with { Revisions = [table.Revisions![0] with { ResponseStartTimeoutSeconds = responseStart, IdleTimeoutSeconds = idle }] };
    }

    // The first request through a fresh activator and backend pays for connections and JIT, which on a busy machine
    // can take longer than a one-second limit: tests whose response must start in time send one first, with no limit.
    private static async Task WarmUpAsync(TestActivator activator, HttpClient client, string endpoint)
    {
        await activator.ApplyAsync(Table(endpoint, responseStart: null, idle: null));
        using var response = await client.GetAsync(activator.Url("hello.default.localhost", "/trickle?first=0&gap=0&count=1"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<string?> ErrorOf(HttpResponseMessage response) =>
        (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"];

    [Fact]
    public async Task A_response_that_does_not_start_within_responseStartTimeoutSeconds_is_504()
    {
        await using var backend = await Backend.StartAsync("a");
        await using var activator = await TestActivator.StartAsync();
        await activator.ApplyAsync(Table(backend.Endpoint, responseStart: 1, idle: null));
        using var client = activator.Client();

        using var response = await client.GetAsync(activator.Url("hello.default.localhost", "/trickle?first=20000&gap=0&count=1"));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("response-start-timeout", await ErrorOf(response));
        await TestActivator.EventuallyAsync(() => backend.Aborted == 1, "the backend request to be canceled");
        // The backend sees the abort before the activator's request pipeline unwinds and releases its slot.
        await TestActivator.EventuallyAsync(() => activator.State("default", "hello-00001").InFlight == 0, "the request's in-flight slot to be released");
    }

    [Fact]
    public async Task Once_the_response_started_responseStartTimeoutSeconds_no_longer_limits_its_body()
    {
        await using var backend = await Backend.StartAsync("a");
        await using var activator = await TestActivator.StartAsync();
        using var client = activator.Client();
        await WarmUpAsync(activator, client, backend.Endpoint);
        await activator.ApplyAsync(Table(backend.Endpoint, responseStart: 1, idle: null));

        // Headers at once, then 6 chunks 400 ms apart: 2 s of body, twice the response-start limit.
        using var response = await client.GetAsync(activator.Url("hello.default.localhost", "/trickle?first=0&gap=400&count=6"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(string.Concat(Enumerable.Repeat("x\n", 6)), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_replica_silent_before_answering_for_idleTimeoutSeconds_is_504()
    {
        await using var backend = await Backend.StartAsync("a");
        await using var activator = await TestActivator.StartAsync();
        await activator.ApplyAsync(Table(backend.Endpoint, responseStart: null, idle: 1));
        using var client = activator.Client();

        using var response = await client.GetAsync(activator.Url("hello.default.localhost", "/trickle?first=20000&gap=0&count=1"));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("idle-timeout", await ErrorOf(response));
        await TestActivator.EventuallyAsync(() => backend.Aborted == 1, "the backend request to be canceled");
    }

    [Fact]
    public async Task A_response_that_goes_silent_for_idleTimeoutSeconds_is_cut_off()
    {
        await using var backend = await Backend.StartAsync("a");
        await using var activator = await TestActivator.StartAsync();
        using var client = activator.Client();
        await WarmUpAsync(activator, client, backend.Endpoint);
        await activator.ApplyAsync(Table(backend.Endpoint, responseStart: null, idle: 1));

        // The first chunk comes at once, the second 20 s later: the stream is closed after about a second of silence.
        using var response = await client.GetAsync(activator.Url("hello.default.localhost", "/trickle?first=0&gap=20000&count=2"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Assert.ThrowsAnyAsync<Exception>(() => response.Content.ReadAsStringAsync());
        await TestActivator.EventuallyAsync(() => backend.Aborted == 1, "the backend request to be canceled");
        // The backend sees the abort before the activator's request pipeline unwinds and releases its slot.
        await TestActivator.EventuallyAsync(() => activator.State("default", "hello-00001").InFlight == 0, "the request's in-flight slot to be released");
    }

    [Fact]
    public async Task A_response_that_keeps_moving_is_not_cut_by_idleTimeoutSeconds()
    {
        await using var backend = await Backend.StartAsync("a");
        await using var activator = await TestActivator.StartAsync();
        await activator.ApplyAsync(Table(backend.Endpoint, responseStart: null, idle: 3));
        using var client = activator.Client();

        // 4.4 s in all, longer than the 3 s idle limit, but never silent for more than 400 ms (a wide margin: the
        // backend shares its thread pool with the tests running in parallel).
        using var response = await client.GetAsync(activator.Url("hello.default.localhost", "/trickle?first=400&gap=400&count=11"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(string.Concat(Enumerable.Repeat("x\n", 11)), await response.Content.ReadAsStringAsync());
    }
}
