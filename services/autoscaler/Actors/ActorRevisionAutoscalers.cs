using Dapr.Actors;
using Dapr.Actors.Client;
using Platform.Autoscaler.Revisions;
using Platform.Autoscaler.Scaling;
using Platform.Serving.Contracts.Revisions;
using Platform.Serving.Contracts.Stats;

namespace Platform.Autoscaler.Actors;

/// <summary>Revision autoscalers as Dapr actors, reached through the sidecar with JSON actor proxies.</summary>
internal sealed class ActorRevisionAutoscalers(IActorProxyFactory proxies) : IRevisionAutoscalers
{
    private static readonly ActorProxyOptions Options = new() { UseJsonSerialization = true };

    private IRevisionAutoscalerActor Actor(RevisionKey key) =>
        proxies.CreateActorProxy<IRevisionAutoscalerActor>(new ActorId(key.ActorId), RevisionAutoscalerActor.TypeName, Options);

    /// <inheritdoc />
    public Task<ScaleResult> ConfigureAsync(RevisionKey key, RevisionScalingSpec spec, CancellationToken cancellationToken) => Actor(key).ConfigureAsync(spec);

    /// <inheritdoc />
    public Task<bool> RemoveAsync(RevisionKey key, CancellationToken cancellationToken) => Actor(key).RemoveAsync();

    /// <inheritdoc />
    public Task<StatOutcome> RecordAsync(RevisionStat stat, CancellationToken cancellationToken) => Actor(stat.Key).RecordAsync(stat);

    /// <inheritdoc />
    public Task<ScaleResult?> PokeAsync(RevisionKey key, RevisionStat? stat, CancellationToken cancellationToken) => Actor(key).PokeAsync(stat);

    /// <inheritdoc />
    public Task<bool> ReportReadyAsync(RevisionKey key, int readyPods, CancellationToken cancellationToken) => Actor(key).ReportReadyAsync(readyPods);

    /// <inheritdoc />
    public Task<RevisionScaleStatus?> GetStatusAsync(RevisionKey key, CancellationToken cancellationToken) => Actor(key).GetStatusAsync();
}
