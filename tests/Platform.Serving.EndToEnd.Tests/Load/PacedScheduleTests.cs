namespace Platform.Serving.EndToEnd.Tests.Load;

public sealed class PacedScheduleTests
{
    private static readonly PacedSchedule Ramp = PacedSchedule.Ramp(200, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));

    [Fact]
    public void Sends_the_area_under_the_rate()
    {
        // 200 × (10/2 + 5 + 10/2)
        Assert.Equal(3000, Ramp.Count);
        Assert.Equal(3000, Ramp.SendTimes().Count());
        Assert.Equal(TimeSpan.FromSeconds(25), Ramp.Duration);
    }

    [Fact]
    public void Rate_is_linear_between_points()
    {
        Assert.Equal(0, Ramp.RateAt(TimeSpan.Zero));
        Assert.Equal(100, Ramp.RateAt(TimeSpan.FromSeconds(5)), 9);
        Assert.Equal(200, Ramp.RateAt(TimeSpan.FromSeconds(12)), 9);
        Assert.Equal(50, Ramp.RateAt(TimeSpan.FromSeconds(22.5)), 9);
        Assert.Equal(0, Ramp.RateAt(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Each_second_gets_the_requests_its_rate_says()
    {
        var times = Ramp.SendTimes().ToList();
        Assert.True(times.Zip(times.Skip(1)).All(p => p.First <= p.Second), "send times must not go back");
        Assert.True(times[0] > TimeSpan.Zero && times[^1] < Ramp.Duration);
        for (var second = 0; second < 25; second++)
        {
            var expected = Ramp.Area(TimeSpan.FromSeconds(second + 1)) - Ramp.Area(TimeSpan.FromSeconds(second));
            var actual = times.Count(t => t >= TimeSpan.FromSeconds(second) && t < TimeSpan.FromSeconds(second + 1));
            Assert.InRange(actual, expected - 1, expected + 1);
        }
    }

    [Fact]
    public void A_constant_rate_is_evenly_spaced()
    {
        var times = PacedSchedule.Through((TimeSpan.Zero, 100), (TimeSpan.FromSeconds(1), 100)).SendTimes().ToList();
        Assert.Equal(100, times.Count);
        for (var i = 0; i < times.Count; i++) Assert.Equal((i + 0.5) / 100, times[i].TotalSeconds, 6);
    }

    [Fact]
    public void Stretches_at_zero_send_nothing()
    {
        var schedule = PacedSchedule.Through((TimeSpan.Zero, 0), (TimeSpan.FromSeconds(2), 0), (TimeSpan.FromSeconds(3), 10), (TimeSpan.FromSeconds(4), 10));
        var times = schedule.SendTimes().ToList();
        Assert.Equal(15, times.Count);
        Assert.All(times, t => Assert.True(t > TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void Refuses_bad_points()
    {
        Assert.Throws<ArgumentException>(() => PacedSchedule.Through((TimeSpan.Zero, 1)));
        Assert.Throws<ArgumentException>(() => PacedSchedule.Through((TimeSpan.FromSeconds(1), 1), (TimeSpan.FromSeconds(2), 1)));
        Assert.Throws<ArgumentException>(() => PacedSchedule.Through((TimeSpan.Zero, 1), (TimeSpan.Zero, 1)));
        Assert.Throws<ArgumentException>(() => PacedSchedule.Through((TimeSpan.Zero, -1), (TimeSpan.FromSeconds(1), 1)));
    }
}
