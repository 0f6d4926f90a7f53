using Platform.Resources.Sources;

namespace Platform.Sources.Ping;

/// <summary>
/// When a PingSource fires, from its schedule and <c>now</c> only. A tick missed while no replica ran (or while this
/// one stalled) is fired once, late, when it is at most <c>grace</c> old; older ones are skipped, never replayed, and
/// several missed ticks become one. Pure.
/// </summary>
internal static class PingTimeline
{
    /// <summary>
    /// The first tick to aim for when a schedule is loaded at <paramref name="now"/>: the latest tick in
    /// (max(now − grace, notBefore), now] when there is one (missed, fired once), else the next after now. Use the
    /// source's creation time as <paramref name="notBefore"/> when the process starts, and now when a spec changes.
    /// </summary>
    public static DateTimeOffset? FirstTick(PingSchedule schedule, DateTimeOffset now, DateTimeOffset notBefore, TimeSpan grace)
    {
        var from = now - grace > notBefore ? now - grace : notBefore;
        if (from < now && schedule.Latest(from, now) is { } missed) return missed;
        return schedule.Next(now);
    }

    /// <summary>
    /// The tick after <paramref name="tick"/> was handled at <paramref name="now"/>: the latest tick in (tick, now] when
    /// handling took past one or more (they become one), else the next after <paramref name="tick"/>.
    /// </summary>
    public static DateTimeOffset? Following(PingSchedule schedule, DateTimeOffset tick, DateTimeOffset now) =>
        (tick < now ? schedule.Latest(tick, now) : null) ?? schedule.Next(tick);

    /// <summary>Whether a tick due at <paramref name="tick"/> is still fired at <paramref name="now"/>.</summary>
    public static bool InTime(DateTimeOffset tick, DateTimeOffset now, TimeSpan grace) => now - tick <= grace;
}
