namespace Platform.Autoscaler.Scaling;

/// <summary>Why a decision came out as it did: the rule that had the last word.</summary>
// Public: Dapr emits the actor's proxies and dispatchers at run time, and they can only use public types.
public enum ScaleReason
{
    /// <summary>No metric in the stable window: cannot decide, keep the current scale.</summary>
    NoData,
    /// <summary>From the stable-window average.</summary>
    Stable,
    /// <summary>In panic mode: the max of stable and panic wants, never lower than before.</summary>
    Panic,
    /// <summary>Raised to activation-scale when scaling up from zero.</summary>
    ActivationScale,
    /// <summary>Held up by the scale-down-delay window.</summary>
    ScaleDownDelayed,
    /// <summary>Raised to min-scale.</summary>
    MinScale,
    /// <summary>Capped at max-scale.</summary>
    MaxScale,
    /// <summary>Held at initial-scale until that many pods were first ready.</summary>
    InitialScale,
    /// <summary>Would be zero, but enable-scale-to-zero is off: one pod.</summary>
    ScaleToZeroDisabled,
    /// <summary>Would be zero, but active for less than a stable window: one pod.</summary>
    StableWindowNotElapsed,
    /// <summary>Would be zero: marked inactive now, current scale kept.</summary>
    Deactivated,
    /// <summary>Inactive for less than max(grace period, pod retention): one pod.</summary>
    GracePeriod,
    /// <summary>Inactive long enough: zero pods.</summary>
    ScaledToZero,
    /// <summary>Activating and no data yet: keep the current scale.</summary>
    Activating,
    /// <summary>Activation did not succeed within the activation timeout: zero pods.</summary>
    ActivationTimedOut,
}

/// <summary>
/// The outcome of one decision. <see cref="Valid"/> false is the explicit "cannot decide" value: keep what you have
/// (never read it as zero).
/// </summary>
/// <param name="DesiredScale">Pods wanted; -1 when not <paramref name="Valid"/>.</param>
/// <param name="ExcessBurstCapacity">floor(ready × total − TBC − panic average): negative means the activator must stay in the path.</param>
/// <param name="Valid">Whether a decision was made.</param>
/// <param name="InPanic">Whether the decider is in panic mode.</param>
/// <param name="Reason">The rule that decided.</param>
// Public: Dapr emits the actor's proxies and dispatchers at run time, and they can only use public types.
public readonly record struct ScaleResult(int DesiredScale, int ExcessBurstCapacity, bool Valid, bool InPanic, ScaleReason Reason)
{
    /// <summary>
    /// The activator's mode that goes with this decision (<see cref="KpaDecider.Mode"/>): <c>Serve</c> or <c>Proxy</c>;
    /// null (a bare decider result) means Proxy.
    /// </summary>
    public string? Mode { get; init; }

    /// <summary>"Cannot decide": no data in the stable window.</summary>
    public static ScaleResult CannotDecide { get; } = new(-1, -1, false, false, ScaleReason.NoData);
}
