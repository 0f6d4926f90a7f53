using System.Net;
using System.Text.Json;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Autoscaler.Tests.Actors;

/// <summary>
/// Actor mode end to end: one <c>RevisionAutoscaler</c> actor per revision behind the real sidecar, configured from
/// its PodAutoscaler, fed by the intake, deciding on its sidecar timer, writing each decision into the PodAutoscaler,
/// its state in Redis.
/// </summary>
public sealed class ActorModeEndToEndTests(RedisServer redis, ITestOutputHelper output) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private const string Ns = "actors";
    private ActorModeStack? _stack;

    private ActorModeStack Stack => _stack!;

    public async Task InitializeAsync()
    {
        if (redis.Unavailable is null) _stack = await ActorModeStack.StartAsync(redis.HostPort);
    }

    public async Task DisposeAsync()
    {
        if (_stack is not null) await _stack.DisposeAsync();
    }

    [SkippableFact]
    public async Task BusyRevisionKeepsItsScaleAcrossAnAutoscalerRestart()
    {
        redis.SkipIfUnavailable();
        const string name = "busy-00001";
        await Stack.CreatePodAutoscalerAsync(Ns, name, 10, new Dictionary<string, string> { ["target-utilization-percentage"] = "100" });
        await WaitUntilAsync(() => Stack.Applied.Contains(($"{Ns}/{name}", 1)), "the initial scale to be applied");

        // 40 requests in flight at 10 per pod: the timer's decisions take it to 4 pods, and the target is told.
        var busy = await FeedUntilAsync(name, 40, s => s.DesiredScale >= 4, "the busy revision to reach 4 pods");
        await Stack.ReportReadyAsync(Ns, name, 4);
        await WaitUntilAsync(() => Stack.Applied.Contains(($"{Ns}/{name}", busy.DesiredScale)), "the busy scale to be applied");
        // Stats are saved with the next decision: let two more ticks of the busy load persist.
        await FeedUntilAsync(name, 40, _ => false, "", TimeSpan.FromSeconds(4));

        using (var connection = redis.Connect())
            Assert.True(await connection.GetDatabase().KeyExistsAsync($"autoscaler||RevisionAutoscaler||{Ns}:{name}||autoscaler"), "the actor's state is in Redis under Dapr's key layout");

        // While the autoscaler is down, the PodAutoscaler's desired scale is lost (written 0 by a stale writer): the
        // restarted autoscaler must not take its own saved scale as already in force.
        await Stack.RestartAutoscalerAsync();
        await Stack.OverwriteDesiredScaleAsync(Ns, name, 0);
        var appliedBeforeRestart = Stack.Applied.Count;

        // The first call reactivates the actor from its saved state, before any new stat arrived.
        var restored = await Stack.ScaleAsync(Ns, name);
        output.WriteLine($"before the restart {busy}, after {restored}");
        Assert.True(restored.DesiredScale >= busy.DesiredScale, $"restored at {restored} after {busy}\n{Stack.Logs}");

        // Still busy: the decisions after the restart never go below the scale before it.
        await FeedUntilAsync(name, 40, s => Assert.True(s.DesiredScale >= busy.DesiredScale, $"scaled down to {s} after the restart\n{Stack.Logs}"), TimeSpan.FromSeconds(7));
        var appliedAfter = Stack.Applied.Skip(appliedBeforeRestart).Where(a => a.Revision == $"{Ns}/{name}").ToList();
        Assert.Contains(appliedAfter, a => a.Replicas >= busy.DesiredScale); // written again though the decider's scale did not change
        Assert.All(appliedAfter.SkipWhile(a => a.Replicas == 0), a => Assert.True(a.Replicas >= busy.DesiredScale, $"applied {a.Replicas} after the restart\n{Stack.Logs}"));
    }

    [SkippableFact]
    public async Task IdleRevisionScalesToZeroAndAPokeBringsItBack()
    {
        redis.SkipIfUnavailable();
        const string name = "idle-00001";
        await Stack.CreatePodAutoscalerAsync(Ns, name, 10, new Dictionary<string, string> { ["window"] = "6s" });
        await Stack.ReportReadyAsync(Ns, name, 1);
        await WaitUntilAsync(() => Stack.Applied.Contains(($"{Ns}/{name}", 1)), "the initial scale to be applied");

        // The activator reports zeros every second: after the 6-s window and the 6-s grace period, zero pods.
        var idle = await FeedUntilAsync(name, 0, s => s.DesiredScale == 0, "the idle revision to reach zero", TimeSpan.FromSeconds(60));
        Assert.Equal("scaledToZero", idle.Reason);
        await WaitUntilAsync(() => Stack.Applied.Contains(($"{Ns}/{name}", 0)), "zero to be applied");

        // A request held by the activator: the poke decides at once and the target is told to start a pod.
        using var poke = await Stack.Http.PostAsync($"/poke/{Ns}/{name}", Json($$"""{"namespace":"{{Ns}}","revision":"{{name}}","averageConcurrency":1,"requestCount":1}"""));
        var body = await poke.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Accepted, poke.StatusCode);
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("desiredScale").GetInt32() >= 1, body);
        await WaitUntilAsync(() => Stack.Applied.LastOrDefault(a => a.Revision == $"{Ns}/{name}").Replicas >= 1, "the poke's scale to be applied");
        Assert.True((await Stack.ScaleAsync(Ns, name)).DesiredScale >= 1);
    }

    /// <summary>
    /// Posts one stat a second (as the activator) and reads the decision after each, until <paramref name="done"/>
    /// holds (returns that status) or <paramref name="timeout"/> passes (fails naming <paramref name="what"/>, unless
    /// <paramref name="what"/> is empty: then returns the last status).
    /// </summary>
    private async Task<(int DesiredScale, string Reason)> FeedUntilAsync(string name, double concurrency, Func<(int DesiredScale, string Reason), bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            await Stack.PostStatAsync(Ns, name, concurrency);
            var status = await Stack.ScaleAsync(Ns, name);
            if (done(status)) return status;
            if (DateTime.UtcNow > deadline)
            {
                Assert.True(what.Length == 0, $"timed out waiting for {what}; last {status}\n{Stack.Logs}");
                return status;
            }
            await Task.Delay(1000);
        }
    }

    /// <summary>Feeds for <paramref name="duration"/>, checking every status with <paramref name="check"/>.</summary>
    private Task FeedUntilAsync(string name, double concurrency, Action<(int DesiredScale, string Reason)> check, TimeSpan duration) =>
        FeedUntilAsync(name, concurrency, s => { check(s); return false; }, "", duration);

    private async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}; applied [{string.Join(", ", Stack.Applied)}]\n{Stack.Logs}");
            await Task.Delay(50);
        }
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
