using Platform.Autoscaler.Scaling;
using Platform.Serving.Contracts.Revisions;
using Platform.Serving.Contracts.Stats;

namespace Platform.Autoscaler.Revisions;

/// <summary>
/// All revisions' autoscalers, wherever they live: one Dapr actor each (<c>RevisionAutoscaler</c>) when a sidecar
/// is reachable, else in this process. The HTTP intake (<c>/revisions</c>, <c>/stats</c>, <c>/poke</c>) talks to it.
/// </summary>
internal interface IRevisionAutoscalers
{
    /// <summary>Creates or updates a revision's autoscaler.</summary>
    Task<ScaleResult> ConfigureAsync(RevisionKey key, RevisionScalingSpec spec, CancellationToken cancellationToken);

    /// <summary>Forgets a revision; false when unknown.</summary>
    Task<bool> RemoveAsync(RevisionKey key, CancellationToken cancellationToken);

    /// <summary>Records one per-second stat.</summary>
    Task<StatOutcome> RecordAsync(RevisionStat stat, CancellationToken cancellationToken);

    /// <summary>A request is held at zero: decide at once. Null when the revision is unknown.</summary>
    Task<ScaleResult?> PokeAsync(RevisionKey key, RevisionStat? stat, CancellationToken cancellationToken);

    /// <summary>Ready pods reported by the workload backend; false when unknown.</summary>
    Task<bool> ReportReadyAsync(RevisionKey key, int readyPods, CancellationToken cancellationToken);

    /// <summary>The revision's current scaling, or null when unknown.</summary>
    Task<RevisionScaleStatus?> GetStatusAsync(RevisionKey key, CancellationToken cancellationToken);
}
