using Platform.Resources.Autoscaling;

namespace Platform.Autoscaler.Scaling;

/// <summary>What the autoscaler needs to know about a revision, read from its PodAutoscaler (<c>PodAutoscalers.ScalingSpecs</c>).</summary>
// Public: Dapr emits the actor's proxies and dispatchers at run time, and they can only use public types.
public sealed record RevisionScalingSpec
{
    /// <summary><c>spec.containerConcurrency</c>: 0 = unlimited (0..1000).</summary>
    public int ContainerConcurrency { get; init; }

    /// <summary>False when no route sends traffic to the revision: min-scale is ignored and it may drop to zero at once.</summary>
    public bool Reachable { get; init; } = true;

    /// <summary>
    /// Ready pods when the revision's autoscaler is created with pods already running (e.g. after an autoscaler
    /// restart without persisted state): more than one starts the decider in panic at that count. Used only when the
    /// revision's autoscaler is created.
    /// </summary>
    public int? ReadyPods { get; init; }

    /// <summary>The revision's <c>autoscaling.knative.dev/*</c> annotations, parsed; null values use the platform defaults.</summary>
    public AutoscalingSettings Annotations { get; init; } = new();
}
