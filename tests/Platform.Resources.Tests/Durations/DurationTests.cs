using Platform.Resources.Durations;

namespace Platform.Resources.Tests.Durations;

public class DurationTests
{
    [Theory]
    [InlineData("PT0.2S", 200)]
    [InlineData("PT1S", 1000)]
    [InlineData("PT1M", 60_000)]
    [InlineData("PT1H30M", 5_400_000)]
    [InlineData("P1D", 86_400_000)]
    [InlineData("P1DT2H", 93_600_000)]
    [InlineData("P1W", 604_800_000)]
    [InlineData("PT0,5S", 500)]
    [InlineData("PT0S", 0)]
    [InlineData("-PT1S", -1000)]
    public void Iso_durations_parse(string text, long milliseconds)
    {
        Assert.True(IsoDuration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("1s")]
    [InlineData("P1M")]
    [InlineData("P1Y")]
    [InlineData("PT1.S")]
    [InlineData("pt1s")]
    [InlineData("P1DT")]
    public void Bad_iso_durations_are_refused(string text)
    {
        Assert.False(IsoDuration.TryParse(text, out _));
        Assert.Throws<FormatException>(() => IsoDuration.Parse(text));
    }

    [Theory]
    [InlineData(200, "PT0.2S")]
    [InlineData(60_000, "PT1M")]
    [InlineData(5_400_000, "PT1H30M")]
    [InlineData(93_600_000, "P1DT2H")]
    [InlineData(0, "PT0S")]
    public void Iso_durations_format_and_round_trip(long milliseconds, string text)
    {
        Assert.Equal(text, IsoDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), IsoDuration.Parse(text));
    }

    [Theory]
    [InlineData("60s", 60_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("500ms", 500)]
    [InlineData("0", 0)]
    [InlineData("0s", 0)]
    [InlineData("-1s", -1000)]
    [InlineData("1h0m0s", 3_600_000)]
    public void Go_durations_parse(string text, long milliseconds)
    {
        Assert.True(GoDuration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("60")]
    [InlineData("1d")]
    [InlineData("s")]
    [InlineData("1m30")]
    [InlineData("PT1S")]
    public void Bad_go_durations_are_refused(string text)
    {
        Assert.False(GoDuration.TryParse(text, out _));
    }

    [Theory]
    [InlineData(90_000, "1m30s")]
    [InlineData(6_000, "6s")]
    [InlineData(3_600_000, "1h")]
    [InlineData(0, "0s")]
    public void Go_durations_format(long milliseconds, string text)
    {
        Assert.Equal(text, GoDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));
    }
}
