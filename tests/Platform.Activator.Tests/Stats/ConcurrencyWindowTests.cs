using Microsoft.Extensions.Time.Testing;
using Platform.Activator.Stats;

namespace Platform.Activator.Tests.Stats;

public class ConcurrencyWindowTests
{
    // Events as "start@t" / "end@t" in milliseconds within a window [0, 1000).
    [Theory]
    [InlineData("idle", "", 0.0, 0, 0)]
    [InlineData("one request all window", "start@0", 1.0, 1, 1)]
    [InlineData("one request half window", "start@0,end@500", 0.5, 1, 0)]
    [InlineData("two overlapping", "start@0,start@250,end@750,end@1000", 1.5, 2, 0)]
    [InlineData("short burst", "start@100,start@100,start@100,end@200,end@200,end@200", 0.3, 3, 0)]
    [InlineData("late start", "start@900", 0.1, 1, 1)]
    public void Average_is_time_weighted(string label, string events, double wantAverage, long wantRequests, int wantInFlight)
    {
        var w = new ConcurrencyWindow(0);
        foreach (var e in events.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var (kind, at) = (e.Split('@')[0], long.Parse(e.Split('@')[1]));
            if (kind == "start") w.Started(at); else w.Finished(at);
        }
        var got = w.Snapshot(1000);
        Assert.True(Math.Abs(wantAverage - got.AverageConcurrency) < 1e-9 && wantRequests == got.RequestCount && wantInFlight == got.InFlight,
            $"{label}: want {wantAverage}/{wantRequests}/{wantInFlight}, got {got}");
    }

    [Fact]
    public void A_request_spanning_windows_counts_in_each_and_arrives_once()
    {
        var w = new ConcurrencyWindow(0);
        w.Started(500);
        Assert.Equal(new WindowFigures(0.5, 1, 1), w.Snapshot(1000));
        Assert.Equal(new WindowFigures(1.0, 0, 1), w.Snapshot(2000));
        w.Finished(2250);
        Assert.Equal(new WindowFigures(0.25, 0, 0), w.Snapshot(3000));
    }

    [Theory]
    [InlineData("2026-01-01T00:00:00.000Z", 1000, "2026-01-01T00:00:00.500Z")]
    [InlineData("2026-01-01T00:00:00.499Z", 1000, "2026-01-01T00:00:00.500Z")]
    [InlineData("2026-01-01T00:00:00.500Z", 1000, "2026-01-01T00:00:01.500Z")] // strictly after: a tick is never sent twice
    [InlineData("2026-01-01T00:00:00.999Z", 1000, "2026-01-01T00:00:01.500Z")]
    [InlineData("2026-01-01T00:00:07.200Z", 2000, "2026-01-01T00:00:09.000Z")] // (k + ½) × 2 s: odd seconds
    [InlineData("2026-01-01T00:00:00.100Z", 500, "2026-01-01T00:00:00.250Z")]
    public void Ticks_fall_mid_interval_on_the_wall_clock(string after, int intervalMs, string expected)
    {
        var next = StatsReporter.NextTick(DateTimeOffset.Parse(after, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromMilliseconds(intervalMs));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), next);
    }

    [Fact]
    public async Task Reporter_running_on_the_real_clock_stamps_each_batch_with_a_tick_of_its_own_mid_interval()
    {
        var time = TimeProvider.System;
        var recorder = new RevisionStatsRecorder(time);
        var sink = new InMemoryStatsSink();
        using var reporter = new StatsReporter(recorder, sink, new ServedList([("default", "hello-00001")]),
            new ActivatorOptions { StatsInterval = TimeSpan.FromMilliseconds(100) }, time,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<StatsReporter>.Instance);
        await reporter.StartAsync(CancellationToken.None);
        await WaitForAsync(() => sink.Batches.Count >= 5);
        await reporter.StopAsync(CancellationToken.None);

        var stamps = sink.Batches.Select(b => b.Timestamp.ToUnixTimeMilliseconds()).ToList();
        Assert.All(stamps, ms => Assert.Equal(50, ms % 100)); // half-way through an interval, wherever the timer fired
        Assert.Equal(stamps.Count, stamps.Distinct().Count());
        Assert.Equal(stamps.Order(), stamps);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s");
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task Reporter_sends_one_batch_per_tick_and_a_final_zero()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var recorder = new RevisionStatsRecorder(time);
        var sink = new InMemoryStatsSink();
        var reporter = new StatsReporter(recorder, sink, new ServedList([]), new ActivatorOptions(), time,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<StatsReporter>.Instance);

        var a = recorder.Started("default", "hello-00001");
        var b = recorder.Started("default", "other-00001");
        time.Advance(TimeSpan.FromMilliseconds(500));
        recorder.Finished(b);
        time.Advance(TimeSpan.FromMilliseconds(500));
        await reporter.TickAsync(CancellationToken.None);

        var first = Assert.Single(sink.Batches);
        var hello = first.Revisions.Single(r => r.Revision == "hello-00001");
        var other = first.Revisions.Single(r => r.Revision == "other-00001");
        Assert.Equal((1.0, 1L, 1), (hello.AverageConcurrency, hello.RequestCount, hello.InFlight));
        Assert.Equal((0.5, 1L, 0), (other.AverageConcurrency, other.RequestCount, other.InFlight));

        recorder.Finished(a);
        time.Advance(TimeSpan.FromSeconds(1));
        await reporter.TickAsync(CancellationToken.None); // both end at zero: reported once more
        Assert.Equal(2, sink.Batches.Last().Revisions.Count);
        Assert.Equal(0, sink.Batches.Last().Revisions.Single(r => r.Revision == "other-00001").AverageConcurrency);

        time.Advance(TimeSpan.FromSeconds(1));
        await reporter.TickAsync(CancellationToken.None); // idle: nothing sent
        Assert.Equal(2, sink.Batches.Count);
        Assert.Empty(reporter.Last!.Revisions);
    }

    [Fact]
    public async Task Revisions_with_replicas_are_reported_as_zero_every_tick_so_that_idle_ones_can_scale_to_zero()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var recorder = new RevisionStatsRecorder(time);
        var sink = new InMemoryStatsSink();
        var reporter = new StatsReporter(recorder, sink, new ServedList([("default", "idle-00001"), ("default", "busy-00001")]),
            new ActivatorOptions(), time, Microsoft.Extensions.Logging.Abstractions.NullLogger<StatsReporter>.Instance);

        var busy = recorder.Started("default", "busy-00001");
        time.Advance(TimeSpan.FromSeconds(1));
        await reporter.TickAsync(CancellationToken.None);
        recorder.Finished(busy);
        for (var i = 0; i < 3; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await reporter.TickAsync(CancellationToken.None);
        }

        Assert.Equal(4, sink.Batches.Count);
        Assert.All(sink.Batches, b => Assert.Equal(2, b.Revisions.Count)); // both, every tick, once each
        Assert.Equal(1.0, sink.Batches.First().Revisions.Single(r => r.Revision == "busy-00001").AverageConcurrency);
        Assert.All(sink.Batches, b => Assert.Equal(0, b.Revisions.Single(r => r.Revision == "idle-00001").AverageConcurrency));
        Assert.All(sink.Batches.Skip(2), b => Assert.Equal(0, b.Revisions.Single(r => r.Revision == "busy-00001").AverageConcurrency));
    }

    private sealed class ServedList(IReadOnlyList<(string, string)> revisions) : IServedRevisions
    {
        public IEnumerable<(string Namespace, string Name)> WithReplicas() => revisions;
    }
}
