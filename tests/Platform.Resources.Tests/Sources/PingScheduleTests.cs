using System.Globalization;
using Platform.Resources.Sources;

namespace Platform.Resources.Tests.Sources;

public class PingScheduleTests
{
    private static DateTimeOffset At(string utc) => DateTimeOffset.Parse(utc, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    // schedule, timezone, after (UTC), want the next tick (UTC)
    [Theory]
    [InlineData("* * * * *", null, "2026-03-01T10:00:00Z", "2026-03-01T10:01:00Z")]
    [InlineData("* * * * *", null, "2026-03-01T10:00:59.999Z", "2026-03-01T10:01:00Z")]
    [InlineData("", null, "2026-03-01T10:00:30Z", "2026-03-01T10:01:00Z")] // empty: Knative's default, every minute
    [InlineData("*/15 * * * *", null, "2026-03-01T10:07:00Z", "2026-03-01T10:15:00Z")]
    [InlineData("0 9 * * *", "Europe/Paris", "2026-03-01T07:00:00Z", "2026-03-01T08:00:00Z")] // 09:00 CET = 08:00 UTC
    [InlineData("0 9 * * *", "Europe/Paris", "2026-07-01T06:00:00Z", "2026-07-01T07:00:00Z")] // 09:00 CEST = 07:00 UTC
    [InlineData("CRON_TZ=America/New_York 0 9 * * *", null, "2026-01-10T00:00:00Z", "2026-01-10T14:00:00Z")]
    [InlineData("TZ=Asia/Tokyo 0 0 * * *", null, "2026-01-10T00:00:00Z", "2026-01-10T15:00:00Z")]
    [InlineData("30 * * * * *", null, "2026-03-01T10:00:00Z", "2026-03-01T10:00:30Z")] // six fields: seconds first
    [InlineData("@hourly", null, "2026-03-01T10:20:00Z", "2026-03-01T11:00:00Z")]
    [InlineData("@daily", null, "2026-03-01T10:20:00Z", "2026-03-02T00:00:00Z")]
    [InlineData("@midnight", "Europe/Paris", "2026-03-01T10:20:00Z", "2026-03-01T23:00:00Z")]
    [InlineData("@weekly", null, "2026-03-04T10:00:00Z", "2026-03-08T00:00:00Z")] // Sunday
    [InlineData("@monthly", null, "2026-03-04T10:00:00Z", "2026-04-01T00:00:00Z")]
    [InlineData("@yearly", null, "2026-03-04T10:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("@annually", null, "2026-03-04T10:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("@every 10s", null, "2026-03-01T10:00:03Z", "2026-03-01T10:00:10Z")] // aligned to the epoch
    [InlineData("@every 10s", null, "2026-03-01T10:00:10Z", "2026-03-01T10:00:20Z")] // strictly after
    [InlineData("@every 1m30s", null, "2026-03-01T10:00:00Z", "2026-03-01T10:01:30Z")]
    [InlineData("@every 2.5s", null, "2026-03-01T10:00:00Z", "2026-03-01T10:00:02Z")] // whole seconds, as robfig/cron
    [InlineData("0 2 * * *", "Europe/Paris", "2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z")] // 02:00 does not exist that day: Cronos fires at the jump
    public void Next_tick(string schedule, string? timezone, string after, string want)
    {
        var parsed = PingSchedule.Parse(schedule, timezone);
        Assert.Equal(At(want), parsed.Next(At(after)));
    }

    // schedule, from, to, want the latest tick in (from, to] or null
    [Theory]
    [InlineData("* * * * *", "2026-03-01T10:00:30Z", "2026-03-01T10:03:10Z", "2026-03-01T10:03:00Z")]
    [InlineData("* * * * *", "2026-03-01T10:00:00Z", "2026-03-01T10:00:59Z", null)]
    [InlineData("* * * * *", "2026-03-01T10:00:00Z", "2026-03-01T10:01:00Z", "2026-03-01T10:01:00Z")] // inclusive end
    [InlineData("@every 2s", "2026-03-01T10:00:00Z", "2026-03-01T10:00:05Z", "2026-03-01T10:00:04Z")]
    public void Latest_tick_in_a_span(string schedule, string from, string to, string? want)
    {
        var parsed = PingSchedule.Parse(schedule, null);
        Assert.Equal(want is null ? null : At(want), parsed.Latest(At(from), At(to)));
    }

    // text, want seconds or -1 for refused
    [Theory]
    [InlineData("10s", 10)]
    [InlineData("1m30s", 90)]
    [InlineData("2h", 7200)]
    [InlineData("1.5h", 5400)]
    [InlineData("1500ms", 1.5)]
    [InlineData("1h1m1s", 3661)]
    [InlineData("", -1)]
    [InlineData("10", -1)]
    [InlineData("10d", -1)]
    [InlineData("s", -1)]
    public void Go_durations(string text, double seconds)
    {
        var ok = PingSchedule.TryParseGoDuration(text, out var duration);
        Assert.Equal(seconds >= 0, ok);
        if (ok) Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }
}
