using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.Sources.Tests.Infrastructure;
using Platform.Testing.Eventing;

namespace Platform.Sources.Tests.EndToEnd;

/// <summary>
/// PingSources end to end: the real sources service (and its sidecar, Redis for the fired-tick records) against the
/// real control plane, delivering to a real sink; <c>@every 2s</c> schedules so that no test waits a minute.
/// </summary>
[Collection(SourcesCollection.Name)]
public sealed class PingSourceTests(SourcesStack stack) : IAsyncLifetime
{
    private SourcesReplica? _replica;

    public async Task InitializeAsync()
    {
        if (stack.Unavailable is not null) return;
        _replica = await stack.StartReplicaAsync();
    }

    public async Task DisposeAsync()
    {
        if (_replica is not null) await _replica.DisposeAsync();
    }

    [SkippableFact]
    public async Task A_ping_source_sends_knatives_event_once_per_tick_and_reports_ready()
    {
        stack.SkipIfUnavailable();
        await using var sink = await RecordingSink.StartAsync();
        var created = await stack.CreateAsync("ping-e2e", $$$"""
            apiVersion: sources.knative.dev/v1
            kind: PingSource
            metadata: {name: every-two}
            spec:
              schedule: "@every 2s"
              contentType: application/json
              data: '{"message": "hello"}'
              ceOverrides: {extensions: {team: blue}}
              sink: {uri: "{{{sink.Url}}}hook"}
            """);

        var ready = await stack.WaitConditionAsync(ResourceKinds.PingSource, "ping-e2e", "every-two", "Ready", "True");
        Assert.Equal($"{sink.Url}hook", ready["status"]!["sinkUri"]!.GetValue<string>());
        Assert.Equal("True", SourcesStack.ConditionOf(ready, "SinkProvided")!.Str("status"));
        Assert.Equal("True", SourcesStack.ConditionOf(ready, "Deployed")!.Str("status"));
        Assert.Equal("dev.knative.sources.ping", ready["status"]!["ceAttributes"]![0]!["type"]!.GetValue<string>());

        var got = await sink.WaitForAsync(3, TimeSpan.FromSeconds(15));
        var first = got[0].Event;
        Assert.Equal("dev.knative.sources.ping", first.Type);
        Assert.Equal("/apis/v1/namespaces/ping-e2e/pingsources/every-two", first.Source!.ToString());
        Assert.True(Guid.TryParse(first.Id, out _), $"id {first.Id} is a UUID");
        Assert.Equal("application/json", first.DataContentType);
        Assert.Equal("hello", ((System.Text.Json.JsonElement)first.Data!).GetProperty("message").GetString());
        Assert.Equal("blue", first["team"]);
        Assert.NotNull(first.Time);
        // Once per tick: each event's id names its tick (see PingEvents.EventId); the ticks are 2 s boundaries, each
        // sent once. Consecutive as a rule, but a replica stalled past a boundary (a loaded CI machine) fires the ticks
        // it missed as one (PingTimeline), so a gap of several periods is allowed; a repeat or an off-boundary tick is not.
        var ticks = got.Select(d => TickOf(created.Uid()!, d)).Order().ToList();
        Assert.Equal(ticks.Count, ticks.Distinct().Count());
        for (var i = 1; i < ticks.Count; i++)
        {
            var gap = ticks[i] - ticks[i - 1];
            Assert.True(gap > TimeSpan.Zero && gap.Ticks % TimeSpan.FromSeconds(2).Ticks == 0, $"ticks {ticks[i - 1]:O} and {ticks[i]:O} are not distinct 2 s boundaries");
        }
        var delivered = await stack.WaitConditionAsync(ResourceKinds.PingSource, "ping-e2e", "every-two", "EventsDelivered", "True");
        Assert.NotNull(delivered);
    }

    /// <summary>The epoch-aligned 2 s tick whose id the event carries, searched around its arrival.</summary>
    internal static DateTimeOffset TickOf(string uid, SinkDelivery delivery)
    {
        var seconds = delivery.At.ToUnixTimeSeconds() / 2 * 2;
        for (var t = seconds + 2; t >= seconds - 10; t -= 2)
        {
            var tick = DateTimeOffset.FromUnixTimeSeconds(t);
            if (Platform.Sources.Ping.PingEvents.EventId(uid, tick) == delivery.Event.Id) return tick;
        }
        throw new InvalidOperationException($"event {delivery.Event.Id} at {delivery.At:O} is no 2 s tick of {uid}");
    }

    [SkippableFact]
    public async Task Invalid_schedules_zones_and_data_are_refused_at_apply_with_their_field_paths()
    {
        stack.SkipIfUnavailable();
        async Task<string> Refusal(string spec)
        {
            var e = await Assert.ThrowsAsync<ResourceException>(() => stack.CreateAsync("ping-invalid",
                $"apiVersion: sources.knative.dev/v1\nkind: PingSource\nmetadata: {{name: bad}}\nspec: {{{spec}, sink: {{uri: 'http://example.com'}}}}"));
            Assert.Equal(StatusReason.Invalid, e.Reason);
            return e.Message;
        }
        Assert.Contains("spec.schedule: must be a cron expression", await Refusal("schedule: '* * *'"));
        Assert.Contains("spec.timezone: unknown time zone \"Mars/Olympus\"", await Refusal("timezone: Mars/Olympus"));
        Assert.Contains("spec.dataBase64: expected exactly one of data and dataBase64, got both", await Refusal("data: a, dataBase64: YQ=="));
    }

    [SkippableFact]
    public async Task A_sink_that_does_not_resolve_is_not_ready_until_it_exists()
    {
        stack.SkipIfUnavailable();
        await stack.CreateAsync("ping-unresolved", """
            apiVersion: sources.knative.dev/v1
            kind: PingSource
            metadata: {name: to-broker}
            spec:
              schedule: "@every 2s"
              sink: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: later}}
            """);
        var notReady = await stack.WaitConditionAsync(ResourceKinds.PingSource, "ping-unresolved", "to-broker", "Ready", "False");
        var sinkProvided = SourcesStack.ConditionOf(notReady, "SinkProvided")!;
        Assert.Equal("NotFound", sinkProvided.Str("reason"));
        Assert.Contains("Broker ping-unresolved/later", sinkProvided.Str("message"));

        await stack.CreateAsync("ping-unresolved", "apiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata: {name: later}");
        var ready = await stack.WaitConditionAsync(ResourceKinds.PingSource, "ping-unresolved", "to-broker", "Ready", "True");
        Assert.Equal("http://127.0.0.1:5300/ping-unresolved/later", ready["status"]!["sinkUri"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task A_sink_that_is_down_shows_in_the_status_and_recovers()
    {
        stack.SkipIfUnavailable();
        var failing = true;
        await using var sink = await RecordingSink.StartAsync((_, _) => Volatile.Read(ref failing) ? 503 : 200);
        await stack.CreateAsync("ping-down", $$"""
            apiVersion: sources.knative.dev/v1
            kind: PingSource
            metadata: {name: flaky}
            spec:
              schedule: "@every 2s"
              sink: {uri: "{{sink.Url}}"}
            """);
        var failed = await stack.WaitConditionAsync(ResourceKinds.PingSource, "ping-down", "flaky", "EventsDelivered", "False");
        var condition = SourcesStack.ConditionOf(failed, "EventsDelivered")!;
        Assert.Equal("DeliveryFailed", condition.Str("reason"));
        Assert.Equal("Warning", condition.Str("severity"));
        Assert.Contains("503 ServiceUnavailable after 6 attempts", condition.Str("message"));
        // Retries reached the sink: six attempts per tick (the first and 5 retries).
        Assert.True(sink.Calls >= 6, $"{sink.Calls} calls");
        Assert.Equal("True", SourcesStack.ConditionOf(failed, "Ready")!.Str("status")); // as in Knative, delivery is not readiness
        Volatile.Write(ref failing, false);
        await stack.WaitConditionAsync(ResourceKinds.PingSource, "ping-down", "flaky", "EventsDelivered", "True");
        await sink.WaitForAsync(1, TimeSpan.FromSeconds(10));
    }
}
