namespace Platform.Serving.EndToEnd.Tests.Load;

/// <summary>One reading of a revision's autoscaler (<c>GET /revisions/{ns}/{name}/scale</c>) during a load run.</summary>
/// <param name="At">Offset from the start of the run.</param>
/// <param name="HasData">Whether the stable window has data (no data = no decision, nothing to check).</param>
/// <param name="StableAverage">The autoscaler's stable-window concurrency average (revision-wide).</param>
/// <param name="PanicAverage">The autoscaler's panic-window concurrency average (revision-wide).</param>
/// <param name="InPanic">Whether the decider is in panic mode.</param>
/// <param name="DesiredScale">The scale it last decided.</param>
/// <param name="ReadyPods">Ready replicas it last heard of.</param>
public sealed record ScaleSample(TimeSpan At, bool HasData, double StableAverage, double PanicAverage, bool InPanic, int DesiredScale, int ReadyPods);

/// <summary>The replicas a decision may come out at, inclusive.</summary>
/// <param name="Low">Fewest.</param>
/// <param name="High">Most.</param>
public readonly record struct ReplicaBand(int Low, int High)
{
    /// <summary>Whether <paramref name="replicas"/> is within the band widened by <paramref name="tolerance"/> each side.</summary>
    public bool Contains(int replicas, int tolerance) => replicas >= Low - tolerance && replicas <= High + tolerance;
}

/// <summary>
/// What Knative's KPA should want, from the autoscaler's own averages (so the check measures the decider, not the
/// load generator): <c>ceil(average / target)</c>, from the stable average, or in panic mode the larger of the stable
/// and panic wants, never lower than earlier in the same panic. A decision is up to one decision interval older than
/// the averages read next to it, so each sample's band spans the wants seen over <c>lookback</c> (a decision
/// interval plus a sampling period) before it. Two Knative rules widen it upwards: scale-down is limited to
/// <c>ready ÷ max-scale-down-rate</c> per decision, and a revision whose want just fell to zero keeps one replica
/// for the grace period.
/// </summary>
public static class ReplicaExpectation
{
    /// <summary><c>ceil(average / target)</c>; zero for no load.</summary>
    public static int Want(double average, double target)
    {
        if (target <= 0) throw new ArgumentOutOfRangeException(nameof(target), "target must be > 0");
        return average <= 1e-9 ? 0 : (int)Math.Ceiling(average / target - 1e-9);
    }

    /// <summary>The band of each sample (null where it has no data), in the same order as <paramref name="samples"/> (sorted by time).</summary>
    public static IReadOnlyList<ReplicaBand?> Bands(IReadOnlyList<ScaleSample> samples, double target, TimeSpan lookback, double maxScaleDownRate)
    {
        var bands = new ReplicaBand?[samples.Count];
        for (var i = 0; i < samples.Count; i++)
        {
            var sample = samples[i];
            if (!sample.HasData) continue;
            var first = i;
            while (first > 0 && samples[first - 1].At >= sample.At - lookback) first--;
            var window = Enumerable.Range(first, i - first + 1).Select(j => samples[j]).Where(s => s.HasData).ToList();

            // Every decision is at least the stable want (the panic want only adds to it).
            var low = window.Min(s => Want(s.StableAverage, target));
            int high;
            if (window.Any(s => s.InPanic))
            {
                // In panic the decision is the running maximum of both wants since the panic began.
                var start = i;
                while (start > 0 && samples[start - 1].InPanic) start--;
                while (start > 0 && samples[start - 1].At >= samples[start].At - lookback) start--;
                high = Enumerable.Range(start, i - start + 1).Select(j => samples[j]).Where(s => s.HasData)
                    .Max(s => Math.Max(Want(s.StableAverage, target), Want(s.PanicAverage, target)));
            }
            else
            {
                high = window.Max(s => Want(s.StableAverage, target));
            }
            high = Math.Max(high, (int)Math.Floor(window.Max(s => s.ReadyPods) / maxScaleDownRate));
            if (low == 0) high = Math.Max(high, 1);
            bands[i] = new ReplicaBand(low, Math.Max(low, high));
        }
        return bands;
    }
}
