using Platform.Autoscaler.Scaling;

namespace Platform.Autoscaler.Revisions;

/// <summary>
/// A revision's scaling as last published by its autoscaler: what the KEDA scaler and <c>GET /revisions/.../scale</c>
/// read.
/// </summary>
/// <param name="Namespace">Revision namespace.</param>
/// <param name="Revision">Revision name.</param>
/// <param name="Metric">Scaling metric.</param>
/// <param name="TargetValue">Per-pod target (total × utilisation).</param>
/// <param name="TotalValue">Per-pod total.</param>
/// <param name="HasData">Whether the stable window has data.</param>
/// <param name="StableAverage">Revision-wide stable-window average of the metric.</param>
/// <param name="PanicAverage">Revision-wide panic-window average of the metric.</param>
/// <param name="DesiredScale">Scale the revision should have now.</param>
/// <param name="ReadyPods">Ready pods last reported.</param>
/// <param name="InPanic">Decider in panic mode.</param>
/// <param name="Active">Active condition.</param>
/// <param name="Reason">Rule behind the last decision.</param>
/// <param name="LastPokeAt">Last request held at zero.</param>
/// <param name="ScaleToZeroGracePeriod">How long a poke keeps the revision active for KEDA.</param>
/// <param name="UpdatedAt">When this was published.</param>
/// <param name="Mode">The activator's mode after the last decision (<c>Serve</c> or <c>Proxy</c>).</param>
// Public: Dapr emits the actor's proxies and dispatchers at run time, and they can only use public types.
public sealed record RevisionScaleStatus(
    string Namespace,
    string Revision,
    ScalingMetric Metric,
    double TargetValue,
    double TotalValue,
    bool HasData,
    double StableAverage,
    double PanicAverage,
    int DesiredScale,
    int ReadyPods,
    bool InPanic,
    ActiveState Active,
    ScaleReason Reason,
    DateTimeOffset? LastPokeAt,
    TimeSpan ScaleToZeroGracePeriod,
    DateTimeOffset UpdatedAt,
    string? Mode = null)
{
    /// <summary>Active for KEDA: pods wanted, or a request held within the grace period.</summary>
    public bool IsActive(DateTimeOffset now) =>
        DesiredScale > 0 || (LastPokeAt is { } poke && now - poke < ScaleToZeroGracePeriod);

    /// <summary>The status of <paramref name="autoscaler"/> at <paramref name="now"/>.</summary>
    internal static RevisionScaleStatus Of(RevisionAutoscaler autoscaler, DateTimeOffset now)
    {
        var observed = autoscaler.Observe(now);
        var spec = autoscaler.Spec;
        return new RevisionScaleStatus(autoscaler.Key.Namespace, autoscaler.Key.Name, spec.Metric, spec.TargetValue,
            spec.TotalValue, observed.HasData, observed.Stable, observed.Panic, autoscaler.CurrentScale, autoscaler.ReadyPods,
            autoscaler.InPanic, autoscaler.Active, autoscaler.LastResult.Reason, autoscaler.LastPokeAt,
            spec.ScaleToZeroGracePeriod, now, autoscaler.Mode);
    }
}
