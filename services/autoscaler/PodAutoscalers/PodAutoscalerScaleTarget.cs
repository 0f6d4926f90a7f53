using Platform.Autoscaler.Revisions;
using Platform.Autoscaler.Scaling;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.Serving.Contracts.Revisions;
using Platform.Serving.Contracts.Routing;

namespace Platform.Autoscaler.PodAutoscalers;

/// <summary>
/// Where every decision goes: the revision's PodAutoscaler in the control plane (<c>status.desiredScale</c> and its
/// conditions, one status merge patch). Nothing is sent to a workload backend: locally the workload supervisor scales
/// processes from that object; in Kubernetes KEDA's external scaler reports it. A PodAutoscaler that is gone is not an
/// error: its revision is being deleted.
/// </summary>
internal sealed partial class PodAutoscalerScaleTarget(IResourceStore store, PodAutoscalerBoard board, TimeProvider time, ILogger<PodAutoscalerScaleTarget> log)
    : IScaleTarget
{
    /// <inheritdoc />
    public async Task ApplyAsync(RevisionKey revision, ScaleResult decision, CancellationToken cancellationToken)
    {
        if (!decision.Valid || decision.DesiredScale < 0) return;
        var current = board.Get(revision)?["status"] as System.Text.Json.Nodes.JsonObject;
        var patch = PodAutoscalerStatusPatch.Build(current, decision.DesiredScale, time.GetUtcNow(), decision.Mode);
        try
        {
            await store.PatchAsync(ResourceKinds.PodAutoscaler, revision.Namespace, revision.Name, patch, status: true, cancellationToken);
            LogApplied(revision.ToString(), decision.DesiredScale, decision.Reason, decision.Mode ?? ActivatorModes.Proxy);
        }
        catch (ResourceException e) when (e.Reason == StatusReason.NotFound)
        {
            LogGone(revision.ToString());
        }
    }

    /// <summary>
    /// Records a request held at zero in the revision's PodAutoscaler (<c>Active=Unknown</c>, <c>Queued</c>), unless it
    /// already says so; a PodAutoscaler that is gone is not an error, and a failed write is logged, not thrown.
    /// </summary>
    public async Task MarkQueuedAsync(RevisionKey revision, CancellationToken cancellationToken)
    {
        var pa = board.Get(revision);
        if (pa is null || PodAutoscalerStatusPatch.QueuedAt(pa) is { } queued && time.GetUtcNow() - queued < TimeSpan.FromSeconds(1)) return;
        try
        {
            var stored = await store.PatchAsync(ResourceKinds.PodAutoscaler, revision.Namespace, revision.Name,
                PodAutoscalerStatusPatch.Queue(pa["status"] as System.Text.Json.Nodes.JsonObject, time.GetUtcNow()), status: true, cancellationToken);
            board.Update(revision, stored);
        }
        catch (ResourceException e) when (e.Reason == StatusReason.NotFound)
        {
            LogGone(revision.ToString());
        }
        catch (Exception e) when (e is ResourceException or ControlPlaneUnreachableException)
        {
            // The poke has already taken effect here (this replica decides from it); only the mark that tells the
            // other replicas early is lost, and they learn the decision from the status this replica writes next.
            LogQueuedMarkFailed(revision.ToString(), e.Message);
        }
    }

    [LoggerMessage(EventId = LogEvents.QueuedMarkFailed, Level = LogLevel.Warning, Message = "{Revision}: marking its PodAutoscaler queued failed ({Reason}); the other replicas learn of the request from the next decision")]
    private partial void LogQueuedMarkFailed(string revision, string reason);

    [LoggerMessage(EventId = LogEvents.ScaleApplied, Level = LogLevel.Information, Message = "{Revision}: desired scale {DesiredScale} ({Reason}), activator mode {Mode}, written to its PodAutoscaler")]
    private partial void LogApplied(string revision, int desiredScale, ScaleReason reason, string mode);

    [LoggerMessage(EventId = LogEvents.PodAutoscalerGone, Level = LogLevel.Information, Message = "{Revision}: its PodAutoscaler is gone; decision dropped")]
    private partial void LogGone(string revision);
}
