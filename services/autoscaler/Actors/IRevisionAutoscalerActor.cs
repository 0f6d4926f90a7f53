using Dapr.Actors;
using Platform.Autoscaler.Revisions;
using Platform.Autoscaler.Scaling;
using Platform.Serving.Contracts.Revisions;
using Platform.Serving.Contracts.Stats;

namespace Platform.Autoscaler.Actors;

/// <summary>
/// One revision's autoscaler as a Dapr actor: type <c>RevisionAutoscaler</c>, id <c>{namespace}:{revision}</c>
/// (<see cref="RevisionKey.ActorId"/>), JSON serialisation. Decides every 2 s on a timer and persists its windows,
/// panic state and scale in the actor state store.
/// </summary>
// Public: Dapr emits the actor's proxies and dispatchers at run time, and they can only use public types.
public interface IRevisionAutoscalerActor : IActor
{
    /// <summary>Creates or updates the revision's autoscaler (from the serving controller).</summary>
    Task<ScaleResult> ConfigureAsync(RevisionScalingSpec spec);

    /// <summary>Forgets the revision and its state; false when unknown.</summary>
    Task<bool> RemoveAsync();

    /// <summary>Records one per-second stat.</summary>
    Task<StatOutcome> RecordAsync(RevisionStat stat);

    /// <summary>A request is held at zero: decide at once. Null when unknown.</summary>
    Task<ScaleResult?> PokeAsync(RevisionStat? stat);

    /// <summary>Ready pods from the workload backend; false when unknown.</summary>
    Task<bool> ReportReadyAsync(int readyPods);

    /// <summary>Current scaling, or null when unknown.</summary>
    Task<RevisionScaleStatus?> GetStatusAsync();
}
