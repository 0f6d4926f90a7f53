using Platform.Sidecar.Actors.Scheduling;

namespace Platform.Sidecar.Actors.Tests.Scheduling;

public sealed class ActorDurationTests
{
    public static TheoryData<string, double> Valid => new()
    {
        // label-free rows: text, expected milliseconds
        { "0h0m5s0ms", 5_000 },          // what the .NET SDK writes
        { "1h2m3s4ms", 3_723_004 },
        { "25h0m0s0ms", 90_000_000 },   // hours carry days
        { "5s", 5_000 },
        { "1m30s", 90_000 },
        { "1.5h", 5_400_000 },
        { "250ms", 250 },
        { "1500us", 1.5 },
        { "2000000ns", 2 },
        { "0", 0 },
        { "PT5S", 5_000 },
        { "PT1M30S", 90_000 },
        { "P1DT2H", 93_600_000 },
        { "P1W", 604_800_000 },
        { "PT0.5S", 500 },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parses(string text, double milliseconds)
    {
        Assert.True(ActorDuration.TryParse(text, out var value), text);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("5")]
    [InlineData("-5s")]
    [InlineData("5 s")]
    [InlineData("5d")]
    [InlineData("s5")]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("PT5")]
    [InlineData("R5/PT1M")] // a repetition is a period, not a duration
    [InlineData("2026-01-01T00:00:00Z")]
    public void Refuses(string text) => Assert.False(ActorDuration.TryParse(text, out _), text);

    [Theory]
    [InlineData("R5/PT1M", 60_000, 5)]
    [InlineData("R1/PT10S", 10_000, 1)]
    [InlineData("R3/5s", 5_000, 3)]
    [InlineData("PT1M", 60_000, null)]
    [InlineData("0h0m1s0ms", 1_000, null)]
    public void ParsesPeriods(string text, double milliseconds, int? repetitions)
    {
        Assert.True(ActorDuration.TryParsePeriod(text, out var period, out var n), text);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), period);
        Assert.Equal(repetitions, n);
    }

    [Theory]
    [InlineData("R/PT1M")]
    [InlineData("Rx/PT1M")]
    [InlineData("R5PT1M")]
    [InlineData("R5/")]
    [InlineData("R-1/PT1M")]
    public void RefusesPeriods(string text) => Assert.False(ActorDuration.TryParsePeriod(text, out _, out _), text);

    [Theory]
    [InlineData(5_000, "0h0m5s0ms")]
    [InlineData(90_061_001, "25h1m1s1ms")]
    public void FormatsLikeTheSdk(double milliseconds, string expected)
    {
        Assert.Equal(expected, ActorDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));
        Assert.True(ActorDuration.TryParse(expected, out var back));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), back);
    }
}
