namespace Platform.Serving.EndToEnd.Tests.Load;

public sealed class InFlightMeterTests
{
    [Fact]
    public void Averages_requests_in_flight_over_time()
    {
        var now = TimeSpan.Zero;
        var meter = new InFlightMeter(() => now);
        meter.Enter();                       // 1 from 0 s
        now = TimeSpan.FromSeconds(0.25);
        meter.Enter();                       // 2 from 0.25 s
        now = TimeSpan.FromSeconds(0.5);
        meter.Exit();                        // 1 from 0.5 s
        now = TimeSpan.FromSeconds(1);
        Assert.Equal((0.25 * 1 + 0.25 * 2 + 0.5 * 1) / 1.0, meter.TakeAverage(), 9);
        Assert.Equal(1, meter.Current);
        now = TimeSpan.FromSeconds(2);
        meter.Exit();
        Assert.Equal(1, meter.TakeAverage(), 9);
        Assert.Equal(0, meter.Current);
    }
}
