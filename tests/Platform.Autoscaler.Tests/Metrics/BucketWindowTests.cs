using Platform.Autoscaler.Metrics;

namespace Platform.Autoscaler.Tests.Metrics;

public class BucketWindowTests
{
    // Records are "second:value" pairs; the window is 10 s stable, 2 s panic.
    public static TheoryData<string, string, long, double, double, bool> Rows => new()
    {
        // label, records, now, want stable, want panic, want has data
        { "nothing recorded", "", 5, 0, 0, false },
        { "one bucket", "100:10", 100, 10, 10, true },
        { "same second adds up (several reporters)", "100:4,100:6", 100, 10, 10, true },
        { "average over buckets since first write", "100:10,101:20", 101, 15, 15, true },
        { "stable capped at the window", "100:10,101:10,102:10,103:10,104:10,105:10,106:10,107:10,108:10,109:10,110:10", 110, 10, 10, true },
        { "panic window is the last 2 s", "100:10,101:10,102:10,103:40", 103, 17.5, 25, true },
        { "silent seconds count as zero", "100:10", 103, 2.5, 0, true },
        { "gap within window drops stale buckets", "100:10,101:10,102:10,103:10,104:10,105:10,106:10,107:10,108:10,109:10,112:10", 112, 8, 10, true },
        { "read after writes stop: old buckets leave", "100:10,101:10,102:10,103:10,104:10,105:10,106:10,107:10,108:10,109:10", 115, 4, 0, true },
        { "exactly one window after last write: data, zero", "100:10", 110, 0, 0, true },
        { "more than a window after last write: no data", "100:10", 111, 0, 0, false },
        { "a gap of a whole window starts afresh", "100:10,120:30", 120, 30, 30, true },
        { "panic restarts after a panic-window gap", "100:10,101:10,102:10,103:10,106:20", 106, 60.0 / 7, 20, true },
        { "late write within the window is kept", "100:10,102:10,101:10", 102, 10, 10, true },
        { "write older than the window is dropped", "100:10,120:10,105:50", 120, 10, 10, true },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Averages(string label, string records, long now, double wantStable, double wantPanic, bool wantData)
    {
        var window = new BucketWindow(10, 2);
        foreach (var record in records.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = record.Split(':');
            window.Record(long.Parse(parts[0]), double.Parse(parts[1]));
        }
        var got = (Stable: window.StableAverage(now), Panic: window.PanicAverage(now), Data: window.HasData(now));
        Assert.True(Math.Abs(got.Stable - wantStable) < 1e-9 && Math.Abs(got.Panic - wantPanic) < 1e-9 && got.Data == wantData,
            $"{label}: want stable {wantStable} panic {wantPanic} data {wantData}, got {got}");
    }

    [Fact]
    public void SnapshotRoundTripsAndResizes()
    {
        var window = new BucketWindow(10, 2);
        for (var s = 100; s < 115; s++) window.Record(s, s - 100);
        var restored = BucketWindow.FromSnapshot(window.ToSnapshot(), 10, 2);
        Assert.Equal(window.StableAverage(116), restored.StableAverage(116), 9);
        Assert.Equal(window.PanicAverage(115), restored.PanicAverage(115), 9);

        // Shrinking to the last 4 s keeps only those buckets: 11..14.
        var smaller = BucketWindow.FromSnapshot(window.ToSnapshot(), 4, 1);
        Assert.Equal((11 + 12 + 13 + 14) / 4.0, smaller.StableAverage(114), 9);
        Assert.Equal(14, smaller.PanicAverage(114), 9);
    }

    [Fact]
    public void An_idle_window_averages_exactly_zero_after_fractional_traffic_so_the_revision_can_reach_zero()
    {
        var window = new BucketWindow(6, 2);
        long second = 1000;
        foreach (var v in new[] { 0.1, 0.7, 0.3, 0.2, 1.0 / 3, 0.9 }) window.Record(second++, v);
        for (var i = 0; i < 6; i++) window.Record(second++, 0); // the activator keeps reporting zeros
        Assert.Equal(0.0, window.StableAverage(second - 1));
        Assert.Equal(0.0, window.PanicAverage(second - 1));
    }
}

