using System.Collections.Concurrent;
using System.Net;
using CloudNative.CloudEvents;
using Microsoft.AspNetCore.Http;
using Platform.Broker.Resources;
using Platform.Broker.Tests.Infrastructure;

namespace Platform.Broker.Tests.EndToEnd;

/// <summary>At-least-once across a crash: the broker process is killed mid-stream and started again.</summary>
[Collection(EventingCollection.Name)]
public sealed class CrashTests(EventingTopology topology)
{
    [SkippableFact]
    public async Task Killing_the_broker_mid_stream_loses_no_accepted_event()
    {
        topology.SkipIfUnavailable();
        const string ns = "e2e-crash";
        // A slowish subscriber keeps events in flight when the kill comes.
        await using var sink = await EventSink.StartAsync(async (_, _, context) =>
        {
            await Task.Delay(5);
            context.Response.StatusCode = 200;
        });
        await topology.CreateAsync($"apiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata: {{name: default, namespace: {ns}}}\n");
        var broker = new Uri(topology.Ingress, $"{ns}/default");
        await topology.CreateAsync($"apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: {{name: all, namespace: {ns}}}\nspec:\n  broker: default\n  subscriber: {{uri: '{sink.Url}'}}\n  delivery: {{retry: 20, backoffPolicy: linear, backoffDelay: PT0.1S}}\n");
        await topology.WaitReadyAsync(EventingKinds.Trigger, ns, "all");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var accepted = new ConcurrentBag<string>();
        var refused = 0;
        const int total = 600;
        var killed = false;
        var sinceKill = new System.Diagnostics.Stopwatch();
        for (var i = 0; i < total; i++)
        {
            if (i == total / 3 && !killed)
            {
                await topology.KillBrokerAsync();
                sinceKill.Start();
                killed = true;
                _ = Task.Run(topology.StartBrokerAsync);
            }
            var e = EventingTopology.Event("tick", i.ToString());
            try
            {
                if (await EventingTopology.PostAsync(http, broker, e) == HttpStatusCode.Accepted) accepted.Add(e.Id!);
                else refused++;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                refused++; // the broker is down: not accepted, the producer would retry
                await Task.Delay(20);
            }
        }
        // On a loaded machine the broker may take longer to come back than the sends last: it must accept again.
        var acceptedAgain = new List<string>();
        await AcceptsAgainAsync(broker, acceptedAgain, "the broker accepts events again after its restart");
        foreach (var id in acceptedAgain) accepted.Add(id);
        // Wait for everything accepted to arrive (redelivery after processingTimeout 3s + redeliverInterval 1s).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        HashSet<string> delivered;
        do
        {
            await Task.Delay(250);
            delivered = sink.Received.Select(r => r.Event.Id!).ToHashSet();
        }
        while (!accepted.All(delivered.Contains) && DateTime.UtcNow < deadline);

        var received = sink.Received.Select(r => r.Event.Id!).ToList();
        var duplicated = received.Count - received.Distinct().Count();
        var lost = accepted.Count(id => !delivered.Contains(id));
        // The restarted broker's own accounting: everything it took on is settled (what the killed process held was
        // redelivered to it, and counts as settled without having been accepted here).
        var stats = await SettledStatsAsync(ns, "all");
        var report = $"sent {total}, accepted {accepted.Count}, refused while down {refused}, delivered {delivered.Count}, duplicated {duplicated}, lost {lost}; restarted broker's stats {stats}";
        new Platform.Testing.FaultFigure("kill -9 of the broker mid-stream", total, accepted.Count, refused, duplicated, lost, sinceKill.Elapsed).Record();
        Assert.True(accepted.Count > total / 4, report);
        Assert.True(lost == 0, report + "\n" + topology.Logs);
        Assert.True(stats.InFlight == 0 && stats.Outstanding <= 0 && stats.Dropped == 0 && stats.DeadLettered == 0, report);
    }

    /// <summary>The trigger's stats once nothing is in flight any more (the last answers may still be on their way).</summary>
    private async Task<TriggerStats> SettledStatsAsync(string ns, string trigger)
    {
        TriggerStats? stats = null;
        await Platform.Testing.Condition.UntilAsync(async () => (stats = await topology.StatsAsync(ns, trigger)) is { InFlight: 0, Outstanding: <= 0 },
            TimeSpan.FromSeconds(30), $"trigger {ns}/{trigger} settled in the broker's stats").ContinueWith(_ => { }, TaskScheduler.Default);
        return stats ?? await topology.StatsAsync(ns, trigger);
    }

    /// <summary>Posts events until one is accepted (the part that was killed is back); adds it to <paramref name="accepted"/>.</summary>
    private static async Task AcceptsAgainAsync(Uri broker, ICollection<string> accepted, string what)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await Platform.Testing.Condition.UntilAsync(async () =>
        {
            var e = EventingTopology.Event("tick", "after");
            try
            {
                if (await EventingTopology.PostAsync(http, broker, e) != HttpStatusCode.Accepted) return false;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
            accepted.Add(e.Id!);
            return true;
        }, TimeSpan.FromSeconds(60), what);
    }

    /// <summary>Posts <paramref name="total"/> events; <paramref name="fault"/> runs once a third are sent. Returns the ids answered 202.</summary>
    private static async Task<(List<string> Accepted, int Refused)> SendAsync(Uri broker, int total, Func<Task>? fault = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var accepted = new List<string>();
        var refused = 0;
        for (var i = 0; i < total; i++)
        {
            if (i == total / 3 && fault is not null) await fault();
            var e = EventingTopology.Event("tick", i.ToString());
            try
            {
                if (await EventingTopology.PostAsync(http, broker, e) == HttpStatusCode.Accepted) accepted.Add(e.Id!);
                else refused++;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                refused++; // not accepted: a producer would send it again
                await Task.Delay(20);
            }
        }
        return (accepted, refused);
    }

    /// <summary>Waits until every accepted id reached the sink (or the deadline); returns the figures line and the lost count.</summary>
    private static async Task<(string Report, int Lost)> SettleAsync(EventSink sink, IReadOnlyCollection<string> accepted, int sent, int refused, TimeSpan patience, string fault)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Platform.Testing.Condition.UntilAsync(() => sink.Received.Select(r => r.Event.Id!).ToHashSet().IsSupersetOf(accepted), patience, "every accepted event delivered")
            .ContinueWith(_ => { }, TaskScheduler.Default); // the figures below say what is missing
        var received = sink.Received.Select(r => r.Event.Id!).ToList();
        var delivered = received.ToHashSet();
        var lost = accepted.Count(id => !delivered.Contains(id));
        new Platform.Testing.FaultFigure(fault, sent, accepted.Count, refused, received.Count - delivered.Count, lost, clock.Elapsed).Record();
        return ($"sent {sent}, accepted {accepted.Count}, refused {refused}, delivered unique {delivered.Count}, duplicates {received.Count - delivered.Count}, lost {lost}", lost);
    }

    private async Task<(Uri Broker, EventSink Sink)> TopologyAsync(string ns, Func<CloudEvent, int, HttpContext, Task>? respond, string delivery)
    {
        var sink = await EventSink.StartAsync(respond);
        await topology.CreateAsync($"apiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata: {{name: default, namespace: {ns}}}\n");
        await topology.CreateAsync($"apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: {{name: all, namespace: {ns}}}\nspec:\n  broker: default\n  subscriber: {{uri: '{sink.Url}'}}\n  delivery: {delivery}\n");
        await topology.WaitReadyAsync(EventingKinds.Trigger, ns, "all");
        return (new Uri(topology.Ingress, $"{ns}/default"), sink);
    }

    [SkippableFact]
    public async Task Restarting_Redis_while_the_subscriber_is_down_loses_no_accepted_event()
    {
        topology.SkipIfUnavailable();
        var up = false;
        var (broker, sink) = await TopologyAsync("e2e-redis-restart", (_, _, context) =>
        {
            context.Response.StatusCode = up ? 200 : 503; // down: every event stays unacknowledged
            return Task.CompletedTask;
        }, "{retry: 1000, backoffPolicy: linear, backoffDelay: PT0.05S}");
        await using (sink)
        {
            var (accepted, refused) = await SendAsync(broker, 300);
            // The backlog sits in the stream and the consumer group's pending list; Redis dies and comes back from its AOF.
            await topology.Redis.KillAndRestartAsync();
            up = true;
            var (report, lost) = await SettleAsync(sink, accepted, 300, refused, TimeSpan.FromSeconds(120), "kill -9 of Redis (AOF) with 300 events unread, subscriber down");
            Assert.True(accepted.Count == 300, report);
            Assert.True(lost == 0, report + "\n" + topology.Logs);
        }
    }

    [SkippableFact]
    public async Task Killing_the_brokers_sidecar_mid_stream_loses_no_accepted_event()
    {
        topology.SkipIfUnavailable();
        var (broker, sink) = await TopologyAsync("e2e-sidecar-crash", null, "{retry: 20, backoffPolicy: linear, backoffDelay: PT0.1S}");
        await using (sink)
        {
            var (accepted, refused) = await SendAsync(broker, 600, async () =>
            {
                await topology.KillSidecarAsync();
                _ = Task.Run(topology.StartSidecarAsync);
            });
            // The sidecar may take a while to come back on a loaded machine: the broker must accept events again.
            await AcceptsAgainAsync(broker, accepted, "the broker accepts events again once its sidecar is back");
            var (report, lost) = await SettleAsync(sink, accepted, 600, refused, TimeSpan.FromSeconds(90), "kill -9 of the broker's sidecar mid-stream");
            // The broker process lived through it: its accounting covers every accepted event.
            var stats = await SettledStatsAsync("e2e-sidecar-crash", "all");
            report += $"; broker stats {stats}";
            Assert.True(accepted.Count >= 200, report);
            Assert.True(lost == 0, report + "\n" + topology.Logs);
            Assert.True(stats.Accepted >= accepted.Count && stats.Delivered >= accepted.Count && stats.InFlight == 0 && stats.Outstanding <= 0, report);
        }
    }

    [SkippableFact]
    public async Task A_subscriber_that_hangs_or_fails_forever_does_not_hold_up_another_trigger()
    {
        topology.SkipIfUnavailable();
        const string ns = "e2e-hang-and-fail";
        await using var healthy = await EventSink.StartAsync();
        await using var failing = await EventSink.StartAsync((_, _, context) => { context.Response.StatusCode = 500; return Task.CompletedTask; });
        await using var hanging = await EventSink.StartAsync(async (_, _, context) => await Task.Delay(Timeout.Infinite, context.RequestAborted));
        await topology.CreateAsync($"apiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata: {{name: default, namespace: {ns}}}\n");
        var triggers = new[] { ("healthy", healthy.Url, "{retry: 0}"), ("failing", failing.Url, "{retry: 1000, backoffPolicy: linear, backoffDelay: PT0.01S}"), ("hanging", hanging.Url, "{retry: 1000, timeout: PT60S}") };
        foreach (var (name, url, delivery) in triggers)
            await topology.CreateAsync($"apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n  broker: default\n  subscriber: {{uri: '{url}'}}\n  delivery: {delivery}\n");
        foreach (var (name, _, _) in triggers) await topology.WaitReadyAsync(EventingKinds.Trigger, ns, name);

        var (accepted, refused) = await SendAsync(new Uri(topology.Ingress, $"{ns}/default"), 200);
        var (report, lost) = await SettleAsync(healthy, accepted, 200, refused, TimeSpan.FromSeconds(30), "a hanging and a failing subscriber beside a healthy one");
        Assert.True(lost == 0, "the healthy trigger was held up by the others: " + report);
        Assert.NotEmpty(failing.Received);
        // The accounting tells each trigger's story: the healthy one took everything, the others hold theirs.
        var healthyStats = await SettledStatsAsync(ns, "healthy");
        Assert.True(healthyStats.Accepted == accepted.Count && healthyStats.Delivered == accepted.Count && healthyStats.Outstanding == 0, $"healthy: {healthyStats}");
        var failingStats = await topology.StatsAsync(ns, "failing");
        Assert.True(failingStats.Accepted == accepted.Count && failingStats.Retried > 0 && failingStats.Delivered == 0, $"failing: {failingStats}");
        var hangingStats = await topology.StatsAsync(ns, "hanging");
        Assert.True(hangingStats.InFlight > 0 && hangingStats.Delivered == 0, $"hanging: {hangingStats}");
    }
}
