using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Platform.Resources.Sources;
using Platform.Sources.Configuration;
using Platform.Sources.Ping;
using Platform.Sources.Sdk;
using Platform.Testing;

namespace Platform.Sources.Tests.Ping;

/// <summary>The scheduler's loop on a fake clock: minute boundaries without waiting a minute.</summary>
public sealed class PingSchedulerTests : IAsyncLifetime
{
    private static DateTimeOffset At(string utc) => DateTimeOffset.Parse(utc, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private readonly FakeTimeProvider _time = new(At("2026-03-01T09:59:59.500Z"));
    private readonly Recorder _sink = new();
    private PingScheduler _scheduler = null!;
    private CloudEventSender _sender = null!;

    public async Task InitializeAsync()
    {
        _sender = new CloudEventSender(RetryPolicy.Default, _time, handler: _sink);
        _scheduler = new PingScheduler(new InProcessTickClaims(), _sender, new SourcesOptions(), _time, NullLogger<PingScheduler>.Instance);
        await _scheduler.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _scheduler.StopAsync(CancellationToken.None);
        _sender.Dispose();
    }

    private static PingJob Job(string schedule, DateTimeOffset created)
    {
        var source = new PingSource();
        source.Metadata.Name = "beat";
        source.Metadata.Namespace = "default";
        return new PingJob("uid-1", "default", "beat", 1, created, PingSchedule.Parse(schedule, null), new Uri("http://sink.test/"), source);
    }

    [Fact]
    public async Task Fires_at_each_minute_boundary_and_once_after_a_long_stall()
    {
        _scheduler.Update([Job("* * * * *", At("2026-03-01T09:50:00Z"))], []);
        Assert.Equal(At("2026-03-01T10:00:00Z"), _scheduler.NextTick("uid-1"));

        _time.Advance(TimeSpan.FromMilliseconds(500)); // 10:00:00
        await Condition.UntilAsync(() => _sink.Ids.Count == 1, TimeSpan.FromSeconds(10), "the 10:00 tick sent");
        Assert.Equal(PingEvents.EventId("uid-1", At("2026-03-01T10:00:00Z")), _sink.Ids.Single());
        await Condition.UntilAsync(() => _scheduler.NextTick("uid-1") == At("2026-03-01T10:01:00Z"), TimeSpan.FromSeconds(10), "next tick 10:01");

        _time.Advance(TimeSpan.FromSeconds(59.999)); // just before 10:01: nothing more is due
        Assert.Equal(At("2026-03-01T10:01:00Z"), _scheduler.NextTick("uid-1"));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await Condition.UntilAsync(() => _sink.Ids.Count == 2, TimeSpan.FromSeconds(10), "the 10:01 tick sent");

        // The process stalls five minutes: of the missed ticks only the latest is sent, late, once.
        _time.Advance(TimeSpan.FromMinutes(5)); // 10:06:00
        await Condition.UntilAsync(() => _scheduler.NextTick("uid-1") == At("2026-03-01T10:07:00Z"), TimeSpan.FromSeconds(10), "next tick 10:07");
        await Condition.UntilAsync(() => _sink.Ids.Count == 3, TimeSpan.FromSeconds(10), "the 10:06 tick sent");
        Assert.Equal(PingEvents.EventId("uid-1", At("2026-03-01T10:06:00Z")), _sink.Ids.Last());
    }

    [Fact]
    public async Task A_changed_spec_is_rescheduled_from_now_and_a_removed_source_stops()
    {
        _scheduler.Update([Job("0 * * * *", At("2026-03-01T09:00:00Z"))], []);
        Assert.Equal(At("2026-03-01T10:00:00Z"), _scheduler.NextTick("uid-1"));
        _scheduler.Update([Job("*/5 * * * *", At("2026-03-01T09:00:00Z")) with { Generation = 2 }], []);
        Assert.Equal(At("2026-03-01T10:00:00Z"), _scheduler.NextTick("uid-1"));
        _scheduler.Update([], ["uid-1"]);
        Assert.Null(_scheduler.NextTick("uid-1"));
        _time.Advance(TimeSpan.FromMinutes(10));
        await Task.Yield();
        Assert.Empty(_sink.Ids);
    }

    [Fact]
    public async Task A_tick_is_claimed_ahead_of_the_boundary_and_sent_at_it()
    {
        var claims = new ClaimLog(_time);
        using var sender = new CloudEventSender(RetryPolicy.Default, _time, handler: _sink);
        var scheduler = new PingScheduler(claims, sender, new SourcesOptions { Ping = new PingOptions { ClaimLead = TimeSpan.FromSeconds(1) } }, _time, NullLogger<PingScheduler>.Instance);
        await scheduler.StartAsync(CancellationToken.None);
        try
        {
            _time.Advance(TimeSpan.FromSeconds(58)); // 10:00:57.5
            scheduler.Update([Job("* * * * *", At("2026-03-01T09:50:00Z"))], []);
            Assert.Equal(At("2026-03-01T10:01:00Z"), scheduler.NextTick("uid-1"));
            _time.Advance(TimeSpan.FromSeconds(1.5)); // 10:00:59, one second before the tick: claimed, not sent
            await Condition.UntilAsync(() => claims.Claimed.Count == 1, TimeSpan.FromSeconds(10), "the 10:01 tick claimed ahead");
            Assert.Equal((At("2026-03-01T10:01:00Z"), At("2026-03-01T10:00:59Z")), claims.Claimed.Single());
            Assert.Empty(_sink.Ids);
            _time.Advance(TimeSpan.FromSeconds(1)); // 10:01:00: sent without claiming again
            await Condition.UntilAsync(() => _sink.Ids.Count == 1, TimeSpan.FromSeconds(10), "the 10:01 tick sent");
            Assert.Equal(PingEvents.EventId("uid-1", At("2026-03-01T10:01:00Z")), _sink.Ids.Single());
            Assert.Single(claims.Claimed);
        }
        finally
        {
            await scheduler.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Claims that always win, recording which tick was claimed when.</summary>
    private sealed class ClaimLog(TimeProvider time) : ITickClaims
    {
        private readonly ConcurrentQueue<(DateTimeOffset Tick, DateTimeOffset At)> _claimed = new();

        public IReadOnlyList<(DateTimeOffset Tick, DateTimeOffset At)> Claimed => [.. _claimed];

        public Task SeedAsync(string uid, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<bool> ClaimAsync(string uid, DateTimeOffset tick, CancellationToken cancellationToken)
        {
            _claimed.Enqueue((tick, time.GetUtcNow()));
            return Task.FromResult(true);
        }

        public Task ForgetAsync(string uid, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>A sink in memory: records every event id and answers 200.</summary>
    private sealed class Recorder : HttpMessageHandler
    {
        private readonly ConcurrentQueue<string> _ids = new();

        public IReadOnlyList<string> Ids => [.. _ids];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            _ids.Enqueue(Uri.UnescapeDataString(request.Content!.Headers.GetValues("ce-id").Single()));
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}
