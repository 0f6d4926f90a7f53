using System.Net;
using System.Text;
using System.Text.Json;
using Dapr.Actors;
using Dapr.Actors.Client;
using Microsoft.Extensions.Time.Testing;
using Platform.Sidecar.Actors.Placement;
using Platform.Sidecar.Core.State;
using Platform.Testing;

namespace Platform.Sidecar.Actors.Tests.EndToEnd;

/// <summary>
/// The official Dapr .NET SDK (ActorProxy and Dapr.Actors.AspNetCore in a real app) against the actor runtime hosted
/// in a minimal sidecar, with actor state and reminders in a real Redis.
/// </summary>
public sealed class ActorEndToEndTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _cleanup = [];
    private IStateStore _store = null!;

    public Task InitializeAsync()
    {
        if (redis.Unavailable is null)
            _store = StateStoreFactory.Create("actorstore", "state.redis", new Dictionary<string, string> { ["redisHost"] = redis.HostPort, ["actorStateStore"] = "true" });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        for (var i = _cleanup.Count - 1; i >= 0; i--) await _cleanup[i].DisposeAsync();
        if (_store is IAsyncDisposable d) await d.DisposeAsync();
    }

    private async Task<ActorCluster> StartAsync(TestAppSettings? settings = null, TestRegistry? registry = null, string name = "app", string? instanceId = null)
    {
        var cluster = await ActorCluster.StartAsync(_store, settings, registry, name: name, instanceId: instanceId);
        _cleanup.Add(cluster);
        return cluster;
    }

    private static string NewId() => Guid.NewGuid().ToString("N");

    [SkippableFact]
    public async Task StateSurvivesIdleDeactivation()
    {
        redis.SkipIfUnavailable();
        var cluster = await StartAsync(new TestAppSettings(IdleTimeout: TimeSpan.FromSeconds(1), ScanInterval: TimeSpan.FromMilliseconds(200)));
        var id = NewId();
        var actor = cluster.Proxy(id);
        Assert.Equal(5, await actor.AddAsync(5));
        Assert.Equal(7, await actor.AddAsync(2));
        Assert.Equal(1, Recorder.For(id).Activations);

        await Recorder.WaitUntilAsync(() => Recorder.For(id).Deactivations == 1, "idle deactivation");

        // Dapr's key layout in the actor state store.
        using var connection = redis.Connect();
        Assert.Equal("7", (string?)await connection.GetDatabase().HashGetAsync($"actors-app||TestActor||{id}||count", "data"));

        Assert.Equal(7, await actor.GetAsync());
        Assert.Equal(2, Recorder.For(id).Activations);
    }

    [SkippableFact]
    public async Task TimerFiresThroughTheTimerCallback()
    {
        redis.SkipIfUnavailable();
        var cluster = await StartAsync();
        var id = NewId();
        await cluster.Proxy(id).StartTimerAsync("tick-timer", 50, 100);
        await Recorder.WaitUntilAsync(() => Recorder.For(id).FiredEvents.Count(e => e == "timer:tick") >= 3, "three timer firings");

        using var http = new HttpClient();
        var stop = await http.DeleteAsync(new Uri(cluster.Sidecar.Url, $"v1.0/actors/TestActor/{id}/timers/tick-timer"));
        Assert.Equal(HttpStatusCode.NoContent, stop.StatusCode);
    }

    [SkippableFact]
    public async Task ReminderFiresAfterTheSidecarRestarts()
    {
        redis.SkipIfUnavailable();
        var registry = new TestRegistry();
        var port = FreePort.Next();
        await using var app = await TestApp.StartAsync("app", new Uri($"http://127.0.0.1:{port}"));
        // The first sidecar's clock stands still, so only the restarted sidecar can fire the reminder.
        var frozen = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var first = await TestSidecar.StartAsync("actors-app", port, app.Url, _store, registry, time: frozen);
        var id = NewId();
        await ActorCluster.Proxy(first.Url, id).StartReminderAsync("wake", 1500);

        using var http = new HttpClient();
        var reminderUrl = new Uri(first.Url, $"v1.0/actors/TestActor/{id}/reminders/wake");
        var stored = await http.GetStringAsync(reminderUrl);
        Assert.Equal("0h0m1s500ms", JsonDocument.Parse(stored).RootElement.GetProperty("dueTime").GetString());
        await first.DisposeAsync();
        Assert.Empty(Recorder.For(id).FiredEvents);

        await using var second = await TestSidecar.StartAsync("actors-app", port, app.Url, _store, registry);
        await Recorder.WaitUntilAsync(() => Recorder.For(id).FiredEvents.Contains("reminder:wake:remember"), "the reminder after the restart");
        // A one-shot reminder is deleted once fired.
        await Recorder.WaitUntilAsync(() => http.GetStringAsync(reminderUrl).Result == "null", "the fired reminder to be deleted");
        Assert.Single(Recorder.For(id).FiredEvents);
    }

    [SkippableFact]
    public async Task DeactivationStopsTimersWhileRemindersReactivate()
    {
        redis.SkipIfUnavailable();
        var port = FreePort.Next();
        await using var app = await TestApp.StartAsync("app", new Uri($"http://127.0.0.1:{port}"),
            new TestAppSettings(IdleTimeout: TimeSpan.FromSeconds(1), ScanInterval: TimeSpan.FromMilliseconds(200)));
        // The sidecar runs on a fake clock: idle time, timers and reminders move only when the test advances it.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var sidecar = await TestSidecar.StartAsync("actors-app", port, app.Url, _store, new TestRegistry(), time: clock);
        var id = NewId();
        var actor = ActorCluster.Proxy(sidecar.Url, id);
        await actor.StartTimerAsync("late-timer", 5_000, 5_000);
        await actor.StartReminderAsync("late-reminder", 5_000);

        await AdvanceUntilAsync(clock, TimeSpan.FromMilliseconds(250), () => Recorder.For(id).Deactivations == 1, "idle deactivation");
        Assert.Empty(Recorder.For(id).FiredEvents);

        await AdvanceUntilAsync(clock, TimeSpan.FromSeconds(1), () => Recorder.For(id).FiredEvents.Count > 0, "the reminder");
        await Task.Delay(300); // a live timer, due at the same moment, would have fired by now
        Assert.Equal(["reminder:late-reminder:remember"], Recorder.For(id).FiredEvents);
        Assert.Equal(2, Recorder.For(id).Activations); // the reminder reactivated the actor
    }

    private static async Task AdvanceUntilAsync(FakeTimeProvider clock, TimeSpan step, Func<bool> condition, string what)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            clock.Advance(step);
            await Task.Delay(50);
        }
        Assert.True(condition(), $"timed out waiting for {what}");
    }

    [SkippableFact]
    public async Task CallsToOneActorNeverOverlapWhileDifferentActorsRunInParallel()
    {
        redis.SkipIfUnavailable();
        var cluster = await StartAsync();
        var id = NewId();
        var group = NewId();
        var actor = cluster.Proxy(id);
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => actor.SlowAsync(group, 20)));
        Assert.Equal(20, results.Length);
        Assert.Equal(1, Recorder.For(id).MaxConcurrent);

        var parallelGroup = NewId();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => cluster.Proxy(NewId()).SlowAsync(parallelGroup, 300)));
        Assert.True(Recorder.For("group:" + parallelGroup).MaxConcurrent >= 2, "calls to different actors should overlap");
    }

    [SkippableFact]
    public async Task CallsAreForwardedToTheSidecarThatHostsTheActor()
    {
        redis.SkipIfUnavailable();
        var registry = new TestRegistry();
        var a = await StartAsync(registry: registry, name: "app-a", instanceId: "instance-a");
        var b = await StartAsync(registry: registry, name: "app-b", instanceId: "instance-b");
        var instances = await registry.ListAsync();
        var names = new Dictionary<string, string> { ["instance-a"] = "app-a", ["instance-b"] = "app-b" };

        var seen = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            var id = $"forward-{i}-{NewId()}";
            var expected = names[ActorPlacement.Choose(nameof(TestActor), id, instances)!.InstanceId];
            Assert.Equal(expected, await ActorCluster.Proxy(a.Sidecar.Url, id).WhereAsync());
            Assert.Equal(expected, await ActorCluster.Proxy(b.Sidecar.Url, id).WhereAsync());
            // State written through either sidecar lands with the hosting app.
            await ActorCluster.Proxy(b.Sidecar.Url, id).AddAsync(1);
            Assert.Equal(1, await ActorCluster.Proxy(a.Sidecar.Url, id).GetAsync());
            Assert.Equal(1, Recorder.For(id).Activations);
            seen.Add(expected);
        }
        Assert.Equal(2, seen.Count);
    }

    [SkippableFact]
    public async Task JsonRemotingOnTheSdkDefaultEndpointWorksLikeDaprd()
    {
        redis.SkipIfUnavailable();
        // Caller and app on the endpoint the SDK derives from DAPR_HTTP_PORT, as the autoscaler runs: every proxy call
        // and every state and timer call of the app arrives as //v1.0/actors/..., which daprd cleans.
        var cluster = await StartAsync(new TestAppSettings(SdkDefaultEndpoint: true, JsonSerialization: true));
        var id = NewId();
        var actor = new ActorProxyFactory().CreateActorProxy<ITestActor>(new ActorId(id), nameof(TestActor),
            new ActorProxyOptions { HttpEndpoint = ActorCluster.SdkDefaultEndpoint(cluster.SidecarPort), UseJsonSerialization = true });

        Assert.Equal(4, await actor.AddAsync(4));
        Assert.Equal(4, await actor.GetAsync());
        await actor.StartTimerAsync("json-timer", 20, 50);
        await Recorder.WaitUntilAsync(() => Recorder.For(id).FiredEvents.Contains("timer:tick"), "the timer");
        var e = await Assert.ThrowsAsync<ActorMethodInvocationException>(() => actor.FailAsync("json boom"));
        Assert.Contains("json boom", e.ToString());
    }

    [SkippableFact]
    public async Task ActorExceptionsAndJsonCallsReachTheCaller()
    {
        redis.SkipIfUnavailable();
        var cluster = await StartAsync();
        var id = NewId();
        var e = await Assert.ThrowsAsync<ActorMethodInvocationException>(() => cluster.Proxy(id).FailAsync("boom"));
        Assert.Contains("boom", e.ToString());

        // The non-remoting (JSON) path of the SDK.
        var proxy = new ActorProxyFactory(new ActorProxyOptions { HttpEndpoint = cluster.Sidecar.Url.ToString().TrimEnd('/') })
            .Create(new ActorId(id), nameof(TestActor));
        Assert.Equal(3, await proxy.InvokeMethodAsync<int, int>(nameof(ITestActor.AddAsync), 3));
        Assert.Equal(3, await cluster.Proxy(id).GetAsync());
    }
}

/// <summary>The raw HTTP actor API: status codes, bodies and bad input (in-memory actor state store).</summary>
public sealed class ActorHttpApiTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private ActorCluster _cluster = null!;

    public async Task InitializeAsync() =>
        _cluster = await ActorCluster.StartAsync(StateStoreFactory.Create("mem", "state.in-memory", new Dictionary<string, string> { ["actorStateStore"] = "true" }));

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _cluster.DisposeAsync();
    }

    private Uri Api(string path) => new(_cluster.Sidecar.Url, "v1.0/actors/" + path);

    private static async Task<(HttpStatusCode Status, string? Code, string Message)> ErrorOf(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        return (response.StatusCode, json.RootElement.GetProperty("errorCode").GetString(), json.RootElement.GetProperty("message").GetString()!);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task UnknownActorTypeHasNoAddress()
    {
        var (status, code, message) = await ErrorOf(await _http.PutAsync(Api("NoSuchType/1/method/Go"), Json("{}")));
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal("ERR_ACTOR_INSTANCE_MISSING", code);
        Assert.Contains("did not find address for actor NoSuchType/1", message);
    }

    [Fact]
    public async Task StateIsSavedTransactionallyAndReadBack()
    {
        Assert.Equal(HttpStatusCode.NoContent, (await _http.GetAsync(Api("TestActor/s1/state/missing"))).StatusCode);
        var save = await _http.PutAsync(Api("TestActor/s1/state"), Json("""
            [{"operation":"upsert","request":{"key":"a","value":{"n":1}}},{"operation":"upsert","request":{"key":"b","value":"x"}}]
            """));
        Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
        Assert.Equal("{\"n\":1}", await _http.GetStringAsync(Api("TestActor/s1/state/a")));
        await _http.PutAsync(Api("TestActor/s1/state"), Json("""[{"operation":"delete","request":{"key":"a"}}]"""));
        Assert.Equal(HttpStatusCode.NoContent, (await _http.GetAsync(Api("TestActor/s1/state/a"))).StatusCode);
        Assert.Equal("\"x\"", await _http.GetStringAsync(Api("TestActor/s1/state/b")));
    }

    [Fact]
    public async Task RepeatedSlashesAreCleanedLikeDaprd()
    {
        // Absolute URLs: relative to a base, "//v1.0" would name a host.
        var sidecar = _cluster.Sidecar.Url.ToString().TrimEnd('/');
        var save = await _http.PutAsync(new Uri(sidecar + "//v1.0//actors/TestActor/c1/state"),
            Json("""[{"operation":"upsert","request":{"key":"a","value":1}}]"""));
        Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
        Assert.Equal("1", await _http.GetStringAsync(new Uri(sidecar + "//v1.0/actors/TestActor/c1/state/a")));
    }

    [Theory]
    [InlineData("TestActor/x/state", "not json", "not valid JSON")]
    [InlineData("TestActor/x/state", """[{"operation":"upsert","request":{}}]""", "[0].request.key: required")]
    [InlineData("TestActor/x/timers/t", """{"dueTime":"soon"}""", "dueTime: 'soon'")]
    [InlineData("TestActor/x/reminders/r", """{"dueTime":"1s","period":"R0/PT1S"}""", "period:")]
    [InlineData("TestActor/x/reminders/r", """{"dueTime":"1s","ttl":"later"}""", "ttl:")]
    public async Task BadInputIsA400NamingTheField(string path, string body, string expected)
    {
        var (status, code, message) = await ErrorOf(await _http.PutAsync(Api(path), Json(body)));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("ERR_MALFORMED_REQUEST", code);
        Assert.Contains(expected, message);
    }

    [Fact]
    public async Task RemindersAreCreatedReadAndDeleted()
    {
        Assert.Equal("null", await _http.GetStringAsync(Api("TestActor/r1/reminders/later")));
        var create = await _http.PutAsync(Api("TestActor/r1/reminders/later"), Json("""{"dueTime":"1h","period":"R5/PT1M","data":"aGk="}"""));
        Assert.Equal(HttpStatusCode.NoContent, create.StatusCode);
        using var json = JsonDocument.Parse(await _http.GetStringAsync(Api("TestActor/r1/reminders/later")));
        Assert.Equal("1h", json.RootElement.GetProperty("dueTime").GetString());
        Assert.Equal("R5/PT1M", json.RootElement.GetProperty("period").GetString());
        Assert.Equal("aGk=", json.RootElement.GetProperty("data").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync(Api("TestActor/r1/reminders/later"))).StatusCode);
        Assert.Equal("null", await _http.GetStringAsync(Api("TestActor/r1/reminders/later")));
    }
}
