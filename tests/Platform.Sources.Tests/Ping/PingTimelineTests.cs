using System.Globalization;
using Platform.Resources.Sources;
using Platform.Sources.Ping;

namespace Platform.Sources.Tests.Ping;

public class PingTimelineTests
{
    private static DateTimeOffset At(string utc) => DateTimeOffset.Parse(utc, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    // label, schedule, now, notBefore, grace seconds, want first tick
    [Theory]
    [InlineData("next tick when nothing was missed", "* * * * *", "2026-03-01T10:00:20Z", "2026-03-01T10:00:10Z", 30, "2026-03-01T10:01:00Z")]
    [InlineData("a tick missed 20 s ago is fired late", "* * * * *", "2026-03-01T10:00:20Z", "2026-03-01T09:00:00Z", 30, "2026-03-01T10:00:00Z")]
    [InlineData("a tick missed 40 s ago is beyond the grace", "* * * * *", "2026-03-01T10:00:40Z", "2026-03-01T09:00:00Z", 30, "2026-03-01T10:01:00Z")]
    [InlineData("no tick before the source existed", "* * * * *", "2026-03-01T10:00:20Z", "2026-03-01T10:00:05Z", 30, "2026-03-01T10:01:00Z")]
    [InlineData("only the latest of many missed ticks", "@every 2s", "2026-03-01T10:00:21Z", "2026-03-01T09:00:00Z", 30, "2026-03-01T10:00:20Z")]
    [InlineData("a tick exactly now is due now", "* * * * *", "2026-03-01T10:01:00Z", "2026-03-01T10:00:05Z", 30, "2026-03-01T10:01:00Z")]
    [InlineData("no grace: only future ticks", "* * * * *", "2026-03-01T10:00:20Z", "2026-03-01T09:00:00Z", 0, "2026-03-01T10:01:00Z")]
    public void First_tick(string label, string schedule, string now, string notBefore, int grace, string want)
    {
        var first = PingTimeline.FirstTick(PingSchedule.Parse(schedule, null), At(now), At(notBefore), TimeSpan.FromSeconds(grace));
        Assert.True(At(want) == first, $"{label}: want {want}, got {first:O}");
    }

    // label, schedule, tick handled, now, want following tick
    [Theory]
    [InlineData("handled in time: the next one", "* * * * *", "2026-03-01T10:00:00Z", "2026-03-01T10:00:00.300Z", "2026-03-01T10:01:00Z")]
    [InlineData("handling took past two ticks: the latest of them, once", "@every 2s", "2026-03-01T10:00:00Z", "2026-03-01T10:00:05Z", "2026-03-01T10:00:04Z")]
    [InlineData("handled before it was due (clock skew): the next one", "@every 2s", "2026-03-01T10:00:00Z", "2026-03-01T09:59:59Z", "2026-03-01T10:00:02Z")]
    public void Following_tick(string label, string schedule, string tick, string now, string want)
    {
        var following = PingTimeline.Following(PingSchedule.Parse(schedule, null), At(tick), At(now));
        Assert.True(At(want) == following, $"{label}: want {want}, got {following:O}");
    }

    [Theory]
    [InlineData(0, 30, true)]
    [InlineData(30, 30, true)]
    [InlineData(31, 30, false)]
    public void A_tick_is_fired_while_it_is_within_the_grace(int lateSeconds, int graceSeconds, bool fired)
    {
        var tick = At("2026-03-01T10:00:00Z");
        Assert.Equal(fired, PingTimeline.InTime(tick, tick.AddSeconds(lateSeconds), TimeSpan.FromSeconds(graceSeconds)));
    }
}
