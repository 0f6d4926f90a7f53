using System.Globalization;

namespace Platform.Sidecar.Actors.Scheduling;

/// <summary>
/// When a timer or reminder fires: first at <see cref="FirstDue"/>, then every <see cref="Period"/> (none: once),
/// at most <see cref="Repetitions"/> times in all (none: unbounded), never after <see cref="ExpiresAt"/>.
/// Absolute times, so a persisted reminder resumes on the same schedule after a restart.
/// </summary>
/// <param name="FirstDue">The first firing.</param>
/// <param name="Period">Interval between firings; null fires once.</param>
/// <param name="Repetitions">Total number of firings (<c>R5/…</c>); null is unbounded.</param>
/// <param name="ExpiresAt">No firing after this time (<c>ttl</c>); null never expires.</param>
internal sealed record ActorSchedule(DateTimeOffset FirstDue, TimeSpan? Period, int? Repetitions, DateTimeOffset? ExpiresAt)
{
    /// <summary>
    /// Reads the API's <c>dueTime</c> (duration or RFC3339 time; empty = now), <c>period</c> (duration or
    /// <c>R{n}/{duration}</c>; empty = once) and <c>ttl</c> (duration after <paramref name="now"/> or RFC3339 time).
    /// </summary>
    public static ScheduleResult Parse(string? dueTime, string? period, string? ttl, DateTimeOffset now)
    {
        DateTimeOffset first;
        if (string.IsNullOrWhiteSpace(dueTime)) first = now;
        else if (ActorDuration.TryParse(dueTime, out var due)) first = now + due;
        else if (TryParseTime(dueTime, out var at)) first = at;
        else return ScheduleResult.Fail($"dueTime: '{dueTime}' is neither a duration (5s, 0h0m5s0ms, PT5S) nor an RFC3339 time");

        TimeSpan? every = null;
        int? repetitions = null;
        // The SDKs send an empty or negative period (-1ms) for "no period".
        if (!string.IsNullOrWhiteSpace(period) && !period.TrimStart().StartsWith('-'))
        {
            if (!ActorDuration.TryParsePeriod(period, out var p, out repetitions))
                return ScheduleResult.Fail($"period: '{period}' is not a duration (5s, 0h0m5s0ms, PT5S) or a repetition (R5/PT1M)");
            if (repetitions == 0) return ScheduleResult.Fail($"period: '{period}' repeats zero times");
            if (p > TimeSpan.Zero) every = p;
            else if (repetitions is > 1) return ScheduleResult.Fail($"period: '{period}' repeats with a zero interval");
        }

        DateTimeOffset? expires = null;
        if (!string.IsNullOrWhiteSpace(ttl))
        {
            if (ActorDuration.TryParse(ttl, out var t)) expires = now + t;
            else if (TryParseTime(ttl, out var at)) expires = at;
            else return ScheduleResult.Fail($"ttl: '{ttl}' is neither a duration nor an RFC3339 time");
            if (expires < first) return ScheduleResult.Fail($"ttl: expires at {expires:O}, before the due time {first:O}");
        }
        return new ScheduleResult(new ActorSchedule(first, every, repetitions, expires), null);
    }

    /// <summary>
    /// The next firing after <paramref name="fired"/> firings, the last at <paramref name="lastFired"/>; null when the
    /// schedule is done. A time in the past means "fire now" (a firing missed while no sidecar ran fires once).
    /// </summary>
    public DateTimeOffset? NextDue(int fired, DateTimeOffset? lastFired)
    {
        if (Repetitions is { } r && fired >= r) return null;
        DateTimeOffset next;
        if (fired == 0) next = FirstDue;
        else if (Period is not { } period) return null;
        else
        {
            // Stay on the FirstDue + k·period grid so that slow callbacks do not make the schedule drift.
            var after = lastFired ?? FirstDue + period * (fired - 1);
            var k = after < FirstDue ? 0 : (after - FirstDue).Ticks / period.Ticks + 1;
            next = FirstDue + TimeSpan.FromTicks(period.Ticks * k);
        }
        return ExpiresAt is { } expires && next > expires ? null : next;
    }

    private static bool TryParseTime(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParseExact(text.Trim(), ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK"],
            CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
}

/// <summary>A parsed <see cref="ActorSchedule"/>, or the reason it was refused (naming the field).</summary>
/// <param name="Schedule">The schedule when valid.</param>
/// <param name="Error">Why the input was refused, e.g. <c>period: 'x' is not a duration</c>.</param>
internal sealed record ScheduleResult(ActorSchedule? Schedule, string? Error)
{
    internal static ScheduleResult Fail(string error) => new(null, error);
}
