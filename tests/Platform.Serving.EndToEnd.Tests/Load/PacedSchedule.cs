namespace Platform.Serving.EndToEnd.Tests.Load;

/// <summary>
/// An open-loop load shape: the request rate is piecewise linear between <see cref="Points"/> (time, req/s), and
/// request <c>i</c> is due when the integral of the rate reaches <c>i + ½</c>. Requests go out at those times whether
/// or not earlier ones have answered, so a slow server sees the load the schedule says, not less (no coordinated
/// omission). Pure: times are offsets from the start of the run.
/// </summary>
public sealed class PacedSchedule
{
    private PacedSchedule(IReadOnlyList<(TimeSpan At, double Rate)> points) => Points = points;

    /// <summary>The rate's corners: offset from the start and req/s there; linear in between.</summary>
    public IReadOnlyList<(TimeSpan At, double Rate)> Points { get; }

    /// <summary>From the first to the last point.</summary>
    public TimeSpan Duration => Points[^1].At - Points[0].At;

    /// <summary>Requests the whole schedule sends: the area under the rate, rounded down.</summary>
    public int Count => (int)Math.Floor(Area(Duration) + 1e-9);

    /// <summary>A schedule through <paramref name="points"/> (at least two, times increasing, rates ≥ 0, first at zero).</summary>
    public static PacedSchedule Through(params (TimeSpan At, double Rate)[] points)
    {
        if (points.Length < 2) throw new ArgumentException("at least two points", nameof(points));
        if (points[0].At != TimeSpan.Zero) throw new ArgumentException("the first point must be at zero", nameof(points));
        for (var i = 0; i < points.Length; i++)
        {
            if (points[i].Rate < 0 || double.IsNaN(points[i].Rate)) throw new ArgumentException($"points[{i}]: rate must be >= 0", nameof(points));
            if (i > 0 && points[i].At <= points[i - 1].At) throw new ArgumentException($"points[{i}]: times must increase", nameof(points));
        }
        return new PacedSchedule(points);
    }

    /// <summary>0 → <paramref name="peak"/> req/s over <paramref name="up"/>, held for <paramref name="hold"/>, → 0 over <paramref name="down"/>.</summary>
    public static PacedSchedule Ramp(double peak, TimeSpan up, TimeSpan hold, TimeSpan down) =>
        Through((TimeSpan.Zero, 0), (up, peak), (up + hold, peak), (up + hold + down, 0));

    /// <summary>The rate at <paramref name="at"/> (0 outside the schedule).</summary>
    public double RateAt(TimeSpan at)
    {
        if (at < TimeSpan.Zero || at > Points[^1].At) return 0;
        for (var i = 1; i < Points.Count; i++)
        {
            if (at > Points[i].At) continue;
            var (t0, r0) = Points[i - 1];
            var (t1, r1) = Points[i];
            return r0 + (r1 - r0) * (at - t0).TotalSeconds / (t1 - t0).TotalSeconds;
        }
        return Points[^1].Rate;
    }

    /// <summary>Requests due by <paramref name="at"/>: the integral of the rate from zero.</summary>
    public double Area(TimeSpan at)
    {
        var total = 0.0;
        for (var i = 1; i < Points.Count; i++)
        {
            var (t0, r0) = Points[i - 1];
            var (t1, r1) = Points[i];
            if (at <= t0) break;
            var length = (t1 - t0).TotalSeconds;
            var s = Math.Min(at.TotalSeconds, t1.TotalSeconds) - t0.TotalSeconds;
            total += r0 * s + (r1 - r0) * s * s / (2 * length);
        }
        return total;
    }

    /// <summary>When each request is due, in order: request <c>i</c> where the area reaches <c>i + ½</c>.</summary>
    public IEnumerable<TimeSpan> SendTimes()
    {
        var count = Count;
        var segment = 1;
        var before = 0.0; // area of the segments before `segment`
        for (var i = 0; i < count; i++)
        {
            var target = i + 0.5;
            while (segment < Points.Count)
            {
                var whole = Area(Points[segment].At) - before;
                if (before + whole >= target) break;
                before += whole;
                segment++;
            }
            if (segment >= Points.Count) yield break;
            var (t0, r0) = Points[segment - 1];
            var (t1, r1) = Points[segment];
            var length = (t1 - t0).TotalSeconds;
            // Solve r0·s + k·s² = m for s in [0, length], k = (r1 − r0) / 2·length, in the form that stays exact for k → 0.
            var m = target - before;
            var k = (r1 - r0) / (2 * length);
            var s = 2 * m / (r0 + Math.Sqrt(Math.Max(0, r0 * r0 + 4 * k * m)));
            yield return t0 + TimeSpan.FromSeconds(Math.Clamp(s, 0, length));
        }
    }
}
