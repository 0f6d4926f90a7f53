using Platform.Autoscaler.Revisions;
using Platform.Autoscaler.Scaling;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.Serving.Contracts.Revisions;

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
        var patch = PodAutoscalerStatusPatch.Build(current, decision.DesiredScale, time.GetUtcNow());
        try
        {
            await store.PatchAsync(ResourceKinds.PodAutoscaler, revision.Namespace, revision.Name, patch, status: true, cancellationToken);
            LogApplied(revision.ToString(), decision.DesiredScale, decision.Reason);
        }
        catch (ResourceException e) when (e.Reason == StatusReason.NotFound)
        {
            LogGone(revision.ToString());
        }
    }

    [LoggerMessage(EventId = LogEvents.ScaleApplied, Level = LogLevel.Information, Message = "{Revision}: desired scale {DesiredScale} ({Reason}) written to its PodAutoscaler")]
    private partial void LogApplied(string revision, int desiredScale, ScaleReason reason);

    [LoggerMessage(EventId = LogEvents.PodAutoscalerGone, Level = LogLevel.Information, Message = "{Revision}: its PodAutoscaler is gone; decision dropped")]
    private partial void LogGone(string revision);
}
