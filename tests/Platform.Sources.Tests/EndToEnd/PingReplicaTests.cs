using Platform.ControlPlane.Store;
using Platform.Sources.Tests.Infrastructure;
using Platform.Testing.Eventing;

namespace Platform.Sources.Tests.EndToEnd;

/// <summary>
/// Several sources replicas and restarts: the fired-tick record in the state store (Redis through each replica's
/// sidecar) lets exactly one replica fire each tick, and a restarted replica neither fires a tick again nor replays
/// the ticks it missed.
/// </summary>
[Collection(SourcesCollection.Name)]
public sealed class PingReplicaTests(SourcesStack stack)
{
    [SkippableFact]
    public async Task Two_replicas_fire_each_tick_once_and_the_survivor_of_a_kill_goes_on_without_gap_or_repeat()
    {
        stack.SkipIfUnavailable();
        await using var first = await stack.StartReplicaAsync();
        await using var second = await stack.StartReplicaAsync();
        await using var sink = await RecordingSink.StartAsync();
        var created = await stack.CreateAsync("ping-replicas", $$"""
            apiVersion: sources.knative.dev/v1
            kind: PingSource
            metadata: {name: shared}
            spec:
              schedule: "@every 2s"
              sink: {uri: "{{sink.Url}}"}
            """);
        await sink.WaitForAsync(4, TimeSpan.FromSeconds(20));
        await first.KillAsync();
        var before = sink.Received.Count;
        await sink.WaitForAsync(before + 3, TimeSpan.FromSeconds(20));

        var ticks = sink.Received.Select(d => PingSourceTests.TickOf(created.Uid()!, d)).ToList();
        Assert.True(ticks.Count == ticks.Distinct().Count(), "a tick was fired twice: " + string.Join(", ", ticks.Select(t => t.ToString("HH:mm:ss"))));
        for (var i = 1; i < ticks.Count; i++)
            Assert.True(ticks[i] - ticks[i - 1] == TimeSpan.FromSeconds(2), "ticks are not consecutive: " + string.Join(", ", ticks.Select(t => t.ToString("HH:mm:ss"))));
    }

    [SkippableFact]
    public async Task A_restarted_replica_fires_a_recently_missed_tick_once_and_never_replays_a_backlog()
    {
        stack.SkipIfUnavailable();
        await using var sink = await RecordingSink.StartAsync();
        var replica = await stack.StartReplicaAsync(new Dictionary<string, string> { ["Sources__Ping__MissedTickGrace"] = "00:00:03" });
        var created = await stack.CreateAsync("ping-restart", $$"""
            apiVersion: sources.knative.dev/v1
            kind: PingSource
            metadata: {name: survivor}
            spec:
              schedule: "@every 1s"
              sink: {uri: "{{sink.Url}}"}
            """);
        await sink.WaitForAsync(2, TimeSpan.FromSeconds(15));
        await replica.DisposeAsync();
        var down = DateTimeOffset.UtcNow;
        var countWhenKilled = sink.Received.Count;
        // Down for several seconds (its start takes that long): many ticks are missed while nothing runs.
        await using var restarted = await stack.StartReplicaAsync(new Dictionary<string, string> { ["Sources__Ping__MissedTickGrace"] = "00:00:03" });
        var up = DateTimeOffset.UtcNow;
        await sink.WaitForAsync(countWhenKilled + 3, TimeSpan.FromSeconds(15));

        var ticks = sink.Received.Select(d => TickOf(created.Uid()!, d)).ToList();
        Assert.True(ticks.Count == ticks.Distinct().Count(), "a tick was fired twice");
        // Of the ticks missed while down (more than the grace), at most one (the latest, within the grace) was fired.
        var missedFired = ticks.Count(t => t > down.AddSeconds(1) && t < up.AddSeconds(-1));
        Assert.True(missedFired <= 1, $"{missedFired} missed ticks replayed (down {down:HH:mm:ss.fff}, up {up:HH:mm:ss.fff}): {string.Join(", ", ticks.Select(t => t.ToString("HH:mm:ss")))}");
    }

    private static DateTimeOffset TickOf(string uid, SinkDelivery delivery)
    {
        var seconds = delivery.At.ToUnixTimeSeconds();
        for (var t = seconds + 1; t >= seconds - 10; t--)
        {
            var tick = DateTimeOffset.FromUnixTimeSeconds(t);
            if (Platform.Sources.Ping.PingEvents.EventId(uid, tick) == delivery.Event.Id) return tick;
        }
        throw new InvalidOperationException($"event {delivery.Event.Id} at {delivery.At:O} is no 1 s tick of {uid}");
    }
}
