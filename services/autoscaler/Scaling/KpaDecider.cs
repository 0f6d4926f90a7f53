using Platform.Serving.Contracts.Routing;

namespace Platform.Autoscaler.Scaling;

/// <summary>The stable- and panic-window averages of the scaling metric at one moment, or "no data".</summary>
/// <param name="HasData">False when nothing was recorded within the stable window.</param>
/// <param name="Stable">Stable-window average (revision-wide total).</param>
/// <param name="Panic">Panic-window average (revision-wide total).</param>
internal readonly record struct MetricObservation(bool HasData, double Stable, double Panic)
{
    /// <summary>No metric within the stable window.</summary>
    public static MetricObservation NoData => default;

    /// <summary>Both averages, with data.</summary>
    public static MetricObservation Of(double stable, double panic) => new(true, stable, panic);
}

/// <summary>What the decider remembers between decisions: the panic state and the scale-down-delay window.</summary>
internal sealed class DeciderState
{
    /// <summary>Last time the panic threshold was crossed; null when not in panic.</summary>
    public DateTimeOffset? PanicTime { get; set; }

    /// <summary>Highest pod count wanted during this panic (panic never scales down).</summary>
    public int MaxPanicPods { get; set; }

    /// <summary>The scale-down-delay window, null when the delay is 0.</summary>
    public ScaleDownDelayWindow? DelayWindow { get; set; }

    /// <summary>Whether the decider is in panic mode.</summary>
    public bool InPanic => PanicTime is not null;

    /// <summary>A fresh state for <paramref name="spec"/>; one with more than one ready pod starts in panic at that count,
    /// so that a restarted autoscaler keeps the current scale until it has data (Knative's rule).</summary>
    public static DeciderState For(DeciderSpec spec, int readyPods, DateTimeOffset now) => new()
    {
        PanicTime = readyPods > 1 ? now : null,
        MaxPanicPods = readyPods > 1 ? readyPods : 0,
        DelayWindow = spec.ScaleDownDelay > TimeSpan.Zero ? new ScaleDownDelayWindow(spec.ScaleDownDelay, spec.TickInterval) : null,
    };
}

/// <summary>
/// Knative's KPA decision (<c>pkg/autoscaler/scaling/autoscaler.go</c>): pure, taking the averages, ready pods and
/// <c>now</c>, updating only <see cref="DeciderState"/>. No LINQ, no allocation: it runs for every revision every tick.
/// </summary>
internal static class KpaDecider
{
    /// <summary>Decides the pod count for one revision.</summary>
    public static ScaleResult Scale(DeciderSpec spec, DeciderState state, MetricObservation observed, int readyPods, DateTimeOffset now)
    {
        if (!observed.HasData) return ScaleResult.CannotDecide;

        var ready = Math.Max(1.0, readyPods);
        // Grow by at least one pod even with a conservative rate; never shrink below ready ÷ rate while reachable.
        var maxScaleUp = Math.Ceiling(spec.MaxScaleUpRate * ready);
        var maxScaleDown = spec.Reachable ? Math.Floor(ready / spec.MaxScaleDownRate) : 0;

        var dspc = Math.Ceiling(observed.Stable / spec.TargetValue);
        var dppc = Math.Ceiling(observed.Panic / spec.TargetValue);
        var desiredStable = (int)Math.Min(Math.Max(dspc, maxScaleDown), maxScaleUp);
        var desiredPanic = (int)Math.Min(Math.Max(dppc, maxScaleDown), maxScaleUp);
        var reason = ScaleReason.Stable;

        if (spec.ActivationScale > 1)
        {
            if (dspc > 0 && spec.ActivationScale > desiredStable) { desiredStable = spec.ActivationScale; reason = ScaleReason.ActivationScale; }
            if (dppc > 0 && spec.ActivationScale > desiredPanic) desiredPanic = spec.ActivationScale;
        }

        var overPanicThreshold = dppc / ready >= spec.PanicThreshold;
        if (overPanicThreshold)
        {
            // Enter, or extend: panic lasts a stable window after the last crossing.
            state.PanicTime = now;
        }
        else if (state.PanicTime is { } panicTime && panicTime + spec.StableWindow < now)
        {
            state.PanicTime = null;
            state.MaxPanicPods = 0;
        }

        var desired = desiredStable;
        if (state.PanicTime is not null)
        {
            // The stable want can exceed the panic one; provision for the larger, and never decrease in panic.
            if (desired < desiredPanic) desired = desiredPanic;
            if (desired > state.MaxPanicPods) state.MaxPanicPods = desired;
            desired = state.MaxPanicPods;
            reason = ScaleReason.Panic;
        }

        if (state.DelayWindow is { } delay)
        {
            delay.Record(now, desired);
            var delayed = delay.Current;
            if (delayed != desired) { desired = delayed; reason = ScaleReason.ScaleDownDelayed; }
        }

        var excessBurstCapacity = spec.TargetBurstCapacity switch
        {
            0 => 0.0,
            > 0 => Math.Floor(readyPods * spec.TotalValue - spec.TargetBurstCapacity - observed.Panic),
            _ => -1.0,
        };
        return new ScaleResult(desired, (int)Math.Clamp(excessBurstCapacity, int.MinValue, int.MaxValue), true, state.InPanic, reason);
    }

    /// <summary>
    /// Whether the activator's throttler stays in the revision's path (Knative's KPA reconciler choosing the
    /// ServerlessService mode): <see cref="ActivatorModes.Proxy"/> when the revision is wanted at zero, when the
    /// excess burst capacity is negative (which target-burst-capacity -1 always makes it), or when the scale wanted is
    /// unknown and the revision was inactive; <see cref="ActivatorModes.Serve"/> otherwise. With target-burst-capacity 0
    /// the capacity is always 0, so only zero puts the activator back.
    /// </summary>
    /// <param name="want">The scale wanted after the revision rules; -1 when unknown.</param>
    /// <param name="excessBurstCapacity">The last known excess burst capacity (<see cref="ScaleResult.ExcessBurstCapacity"/>).</param>
    /// <param name="inactive">Whether the revision's Active condition was False before this decision.</param>
    public static string Mode(int want, int excessBurstCapacity, bool inactive) =>
        want == 0 || excessBurstCapacity < 0 || (want < 0 && inactive) ? ActivatorModes.Proxy : ActivatorModes.Serve;
}
