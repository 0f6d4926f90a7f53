namespace Platform.ServingController.Supervisor.Hpa;

/// <summary>What an HPA-class revision scales on, from its annotations.</summary>
/// <param name="Metric"><c>cpu</c> (utilization of the CPU request, percent) or <c>memory</c> (MiB per replica).</param>
/// <param name="Target">Per replica: percent of the CPU request, or MiB.</param>
/// <param name="Min">Fewest replicas (an HPA never goes below 1).</param>
/// <param name="Max">Most replicas; 0 = no limit.</param>
internal sealed record HpaSpec(string Metric, double Target, int Min, int Max)
{
    /// <summary>Knative's default metric of the HPA class.</summary>
    public const string Cpu = "cpu";

    /// <summary>Memory, as MiB per replica (Knative's HPA: an AverageValue target).</summary>
    public const string Memory = "memory";

    /// <summary>The target when the revision gives none: Kubernetes' 80 % CPU utilization.</summary>
    public const double DefaultCpuTarget = 80;
}

/// <summary>
/// Kubernetes' HPA algorithm, pure: <c>desired = ceil(ready × current / target)</c>, no change while the ratio is
/// within the tolerance of 1, bounded by min (at least 1) and max, and scale-downs stabilized: the recommendation is
/// the highest of the last window's, so a dip does not remove replicas that a moment later are needed again.
/// </summary>
internal static class HpaDecider
{
    /// <summary>Kubernetes' default tolerance (<c>--horizontal-pod-autoscaler-tolerance</c>).</summary>
    public const double Tolerance = 0.1;

    /// <summary>The replicas the metric asks for, before stabilization.</summary>
    /// <param name="ready">Ready replicas measured.</param>
    /// <param name="average">The metric's average over them (percent of the CPU request, or MiB).</param>
    /// <param name="spec">What the revision scales on.</param>
    public static int Recommend(int ready, double average, HpaSpec spec)
    {
        var min = Math.Max(1, spec.Min);
        if (ready <= 0) return Bound(min, spec);
        var ratio = average / spec.Target;
        var desired = Math.Abs(ratio - 1) <= Tolerance ? ready : (int)Math.Ceiling(ready * ratio - 1e-9);
        return Bound(desired, spec);
    }

    /// <summary>The highest recommendation within <paramref name="window"/> before <paramref name="now"/> (the latest included).</summary>
    public static int Stabilize(IEnumerable<(DateTimeOffset At, int Replicas)> recommendations, DateTimeOffset now, TimeSpan window) =>
        recommendations.Where(r => now - r.At <= window).Select(r => r.Replicas).DefaultIfEmpty(0).Max();

    private static int Bound(int desired, HpaSpec spec)
    {
        desired = Math.Max(desired, Math.Max(1, spec.Min));
        return spec.Max > 0 ? Math.Min(desired, spec.Max) : desired;
    }
}
