using Platform.Sidecar.Actors.Scheduling;

namespace Platform.Sidecar.Actors.Tests.Scheduling;

public sealed class ActorScheduleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string?, string?, string?, double, double?, int?, double?> Schedules => new()
    {
        // label, dueTime, period, ttl, first due (s after now), period (s), repetitions, expires (s after now)
        { "empty due fires now, once", null, null, null, 0, null, null, null },
        { "sdk one-shot", "0h0m5s0ms", "", null, 5, null, null, null },
        { "sdk periodic", "0h0m1s0ms", "0h0m2s0ms", null, 1, 2, null, null },
        { "negative period is none", "1s", "-1ms", null, 1, null, null, null },
        { "iso repetitions", "PT1S", "R5/PT1M", null, 1, 60, 5, null },
        { "ttl as duration", "1s", "1s", "10s", 1, 1, null, 10 },
        { "ttl as time", "1s", "1s", "2026-11-25T12:01:00Z", 1, 1, null, 60 },
        { "due as RFC3339", "2026-11-25T12:00:30Z", null, null, 30, null, null, null },
        { "due in the past stays in the past", "2026-11-25T11:00:00Z", null, null, -3600, null, null, null },
        { "zero period is once", "1s", "0s", null, 1, null, null, null },
    };

    [Theory]
    [MemberData(nameof(Schedules))]
    public void Parses(string label, string? dueTime, string? period, string? ttl, double first, double? every, int? repetitions, double? expires)
    {
        var result = ActorSchedule.Parse(dueTime, period, ttl, Now);
        Assert.True(result.Schedule is not null, $"{label}: {result.Error}");
        Assert.Equal(new ActorSchedule(
            Now.AddSeconds(first),
            every is { } e ? TimeSpan.FromSeconds(e) : null,
            repetitions,
            expires is { } x ? Now.AddSeconds(x) : null), result.Schedule);
    }

    [Theory]
    [InlineData("soon", null, null, "dueTime")]
    [InlineData("1s", "often", null, "period")]
    [InlineData("1s", "R0/PT1S", null, "period")]
    [InlineData("1s", "R3/PT0S", null, "period")]
    [InlineData("1s", "1s", "forever", "ttl")]
    [InlineData("10s", "1s", "5s", "ttl")]
    public void RefusesNamingTheField(string? dueTime, string? period, string? ttl, string field)
    {
        var result = ActorSchedule.Parse(dueTime, period, ttl, Now);
        Assert.Null(result.Schedule);
        Assert.StartsWith(field + ":", result.Error);
    }

    public static TheoryData<string, double?, int?, double?, int, double?, double?> NextDue => new()
    {
        // label, period (s), repetitions, expires (s), fired, last fired (s), want next (s) or null; first due = 10 s
        { "first firing", null, null, null, 0, null, 10 },
        { "one-shot done", null, null, null, 1, 10, null },
        { "periodic second", 5, null, null, 1, 10, 15 },
        { "periodic stays on grid after a slow callback", 5, null, null, 1, 12, 15 },
        { "periodic skips missed firings", 5, null, null, 3, 31, 35 },
        { "missed first firing after restart is due at once", 5, null, null, 0, null, 10 },
        { "repetitions left", 5, 3, null, 2, 15, 20 },
        { "repetitions exhausted", 5, 3, null, 3, 20, null },
        { "expired", 5, null, 14, 1, 10, null },
        { "expires exactly at next", 5, null, 15, 1, 10, 15 },
        { "no last fired uses the grid", 5, null, null, 2, null, 20 },
    };

    [Theory]
    [MemberData(nameof(NextDue))]
    public void ComputesNextDue(string label, double? period, int? repetitions, double? expires, int fired, double? lastFired, double? want)
    {
        var schedule = new ActorSchedule(Now.AddSeconds(10), period is { } p ? TimeSpan.FromSeconds(p) : null, repetitions,
            expires is { } x ? Now.AddSeconds(x) : null);
        var got = schedule.NextDue(fired, lastFired is { } l ? Now.AddSeconds(l) : null);
        Assert.True((want is { } w ? Now.AddSeconds(w) : (DateTimeOffset?)null) == got, $"{label}: want {want}, got {got - Now}");
    }
}
