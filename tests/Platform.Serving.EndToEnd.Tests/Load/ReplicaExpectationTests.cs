namespace Platform.Serving.EndToEnd.Tests.Load;

public sealed class ReplicaExpectationTests
{
    private static readonly TimeSpan Lookback = TimeSpan.FromSeconds(1.5);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0.01, 1)]
    [InlineData(10, 1)]
    [InlineData(10.0000000001, 1)]
    [InlineData(10.5, 2)]
    [InlineData(20, 2)]
    [InlineData(25, 3)]
    public void Want_is_ceil_of_concurrency_over_target(double average, int want) =>
        Assert.Equal(want, ReplicaExpectation.Want(average, 10));

    [Fact]
    public void Stable_band_spans_the_wants_of_the_last_decision_interval()
    {
        var samples = new[]
        {
            S(0.0, stable: 5, desired: 1),
            S(0.5, stable: 12, desired: 1),
            S(1.0, stable: 18, desired: 2),
            S(1.5, stable: 25, desired: 2),
            S(2.0, stable: 25, desired: 3),
            S(4.0, stable: 25, desired: 3),
        };
        var bands = ReplicaExpectation.Bands(samples, 10, Lookback, 2);
        Assert.Equal(new ReplicaBand(1, 1), bands[0]);
        Assert.Equal(new ReplicaBand(1, 2), bands[1]);
        Assert.Equal(new ReplicaBand(1, 3), bands[3]);
        Assert.Equal(new ReplicaBand(3, 3), bands[5]);
        Assert.True(bands[5]!.Value.Contains(3, 0));
        Assert.False(bands[5]!.Value.Contains(1, 1));
    }

    [Fact]
    public void Panic_keeps_the_highest_want_since_it_began()
    {
        var samples = new[]
        {
            S(0.0, stable: 5, desired: 1),
            S(0.5, stable: 8, panic: 40, inPanic: true, desired: 4),
            S(3.0, stable: 15, panic: 10, inPanic: true, desired: 4),
            S(6.0, stable: 15, panic: 10, inPanic: true, desired: 4),
        };
        var bands = ReplicaExpectation.Bands(samples, 10, Lookback, 2);
        Assert.Equal(new ReplicaBand(2, 4), bands[3]);
        Assert.True(bands[3]!.Value.Contains(4, 0));
    }

    [Fact]
    public void Scale_down_rate_and_grace_widen_upwards()
    {
        var samples = new[]
        {
            S(0.0, stable: 10, desired: 6, ready: 6),
            S(5.0, stable: 0, desired: 1, ready: 1),
            S(9.0, stable: 0, desired: 0, ready: 0),
        };
        var bands = ReplicaExpectation.Bands(samples, 10, Lookback, 2);
        Assert.Equal(new ReplicaBand(1, 3), bands[0]); // at most halving per decision: 6 ready → at least 3
        Assert.Equal(new ReplicaBand(0, 1), bands[1]); // want 0, one replica kept through the grace period
        Assert.Equal(new ReplicaBand(0, 1), bands[2]);
    }

    [Fact]
    public void No_data_has_no_band()
    {
        var bands = ReplicaExpectation.Bands([new ScaleSample(TimeSpan.Zero, false, 0, 0, false, 1, 1)], 10, Lookback, 2);
        Assert.Null(bands[0]);
    }

    private static ScaleSample S(double at, double stable, int desired, double? panic = null, bool inPanic = false, int ready = 1) =>
        new(TimeSpan.FromSeconds(at), true, stable, panic ?? stable, inPanic, desired, ready);
}
