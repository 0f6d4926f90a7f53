using Platform.Autoscaler.Scaling;
using Platform.Serving.Contracts.Revisions;
using Platform.Serving.Contracts.Stats;

namespace Platform.Autoscaler.Revisions;

/// <summary>
/// Drives one revision's <see cref="RevisionAutoscaler"/>: configures it, records, decides, hands changed scales to
/// the <see cref="IScaleTarget"/> (the revision's PodAutoscaler; retrying after a failure). The Dapr actor and the
/// in-process host are thin shells around it.
/// Not thread-safe: the caller serialises (actor turns, or a per-revision lock).
/// </summary>
internal sealed partial class RevisionScaler(
    RevisionKey key,
    AutoscalerDefaults defaults,
    IScaleTarget target,
    ILogger logger,
    Telemetry.AutoscalerMetrics? metrics = null)
{
    private int? _appliedScale;
    private string? _appliedMode;

    /// <summary>The revision.</summary>
    public RevisionKey Key { get; } = key;

    /// <summary>The state machine; null until configured (the revision is unknown).</summary>
    public RevisionAutoscaler? Autoscaler { get; private set; }

    /// <summary>The spec last configured.</summary>
    public RevisionScalingSpec? Spec { get; private set; }

    /// <summary>Sets or changes the revision's spec; a new revision is given its initial scale at once.</summary>
    public async Task<ScaleResult> ConfigureAsync(RevisionScalingSpec spec, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var resolved = DeciderSpec.Resolve(defaults, spec);
        var changed = Spec is null || Spec with { ReadyPods = null } != spec with { ReadyPods = null };
        Spec = spec;
        if (Autoscaler is null) Autoscaler = new RevisionAutoscaler(Key, resolved, now, spec.ReadyPods ?? 0);
        else Autoscaler.Reconfigure(resolved);
        // Every PodAutoscaler is configured again periodically: log only what is new.
        if (changed) LogConfigured(logger, Key, resolved.Metric, resolved.TargetValue, resolved.MinScale, resolved.MaxScale, resolved.InitialScale);
        await ApplyIfChangedAsync(Autoscaler.LastResult, cancellationToken);
        metrics?.Publish(Status(now));
        return Autoscaler.LastResult;
    }

    /// <summary>
    /// Resumes from persisted state (after a restart or actor reactivation). Nothing counts as applied: the next
    /// decision is written to the PodAutoscaler whatever it was, so the scale restored and the scale in force cannot
    /// silently differ.
    /// </summary>
    public void Restore(RevisionScalingSpec spec, RevisionAutoscalerSnapshot? snapshot, DateTimeOffset now)
    {
        Spec = spec;
        var resolved = DeciderSpec.Resolve(defaults, spec);
        Autoscaler = snapshot is null ? new RevisionAutoscaler(Key, resolved, now) : RevisionAutoscaler.FromSnapshot(Key, resolved, snapshot, now);
        _appliedScale = null;
        _appliedMode = null;
    }

    /// <summary>Records one stat; the outcome says whether it counted.</summary>
    public StatOutcome Record(RevisionStat stat, DateTimeOffset now)
    {
        if (Autoscaler is null) return StatOutcome.UnknownRevision;
        return Autoscaler.Record(stat, now) ? StatOutcome.Recorded : StatOutcome.Stale;
    }

    /// <summary>A request held at zero: records it and, at zero, decides and applies at once.</summary>
    public async Task<ScaleResult?> PokeAsync(RevisionStat? stat, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (Autoscaler is null) return null;
        var result = Autoscaler.Poke(stat, now) ?? Autoscaler.LastResult;
        await ApplyIfChangedAsync(result, cancellationToken);
        metrics?.Publish(Status(now));
        return result;
    }

    /// <summary>Ready pods from the workload backend; false when the revision is unknown.</summary>
    public bool ReportReady(int readyPods, DateTimeOffset now)
    {
        if (Autoscaler is null) return false;
        Autoscaler.ReportReady(readyPods, now);
        return true;
    }

    /// <summary>One decision (the 2-second tick); null when the revision is unknown.</summary>
    public async Task<ScaleResult?> DecideAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (Autoscaler is null) return null;
        var result = Autoscaler.Decide(now);
        await ApplyIfChangedAsync(result, cancellationToken);
        metrics?.Publish(Status(now));
        return result;
    }

    /// <summary>The current status, or null when unknown.</summary>
    public RevisionScaleStatus? Status(DateTimeOffset now) => Autoscaler is null ? null : RevisionScaleStatus.Of(Autoscaler, now);

    private async Task ApplyIfChangedAsync(ScaleResult result, CancellationToken cancellationToken)
    {
        var scale = Autoscaler!.CurrentScale;
        var mode = Autoscaler.Mode;
        if (_appliedScale == scale && _appliedMode == mode) return;
        try
        {
            await target.ApplyAsync(Key, (result.Valid ? result : result with { DesiredScale = scale, Valid = true }) with { Mode = mode }, cancellationToken);
            _appliedScale = scale;
            _appliedMode = mode;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Left unapplied: the next decision retries.
            LogApplyFailed(logger, Key, scale, ex);
        }
    }

    [LoggerMessage(EventId = LogEvents.RevisionConfigured, Level = LogLevel.Information,
        Message = "{Revision}: autoscaling on {Metric}, target {TargetValue} per pod, scale {MinScale}..{MaxScale} (0 = unbounded), initial {InitialScale}")]
    private static partial void LogConfigured(ILogger logger, RevisionKey revision, ScalingMetric metric, double targetValue, int minScale, int maxScale, int initialScale);

    [LoggerMessage(EventId = LogEvents.ScaleApplyFailed, Level = LogLevel.Warning, Message = "{Revision}: applying scale {DesiredScale} failed; retrying next decision")]
    private static partial void LogApplyFailed(ILogger logger, RevisionKey revision, int desiredScale, Exception exception);
}

/// <summary>What happened to one stat.</summary>
// Public: Dapr emits the actor's proxies and dispatchers at run time, and they can only use public types.
public enum StatOutcome
{
    /// <summary>Recorded.</summary>
    Recorded,
    /// <summary>No such revision configured: ignored and counted.</summary>
    UnknownRevision,
    /// <summary>Older than the stable window: ignored and counted.</summary>
    Stale,
}
