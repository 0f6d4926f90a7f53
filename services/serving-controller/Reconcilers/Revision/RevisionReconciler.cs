using System.Text.Json.Nodes;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.Resources.Autoscaling;
using Platform.Serving.Contracts.Revisions;
using Platform.ServingController.Reconcilers.Configuration;
using Platform.ServingController.Reconcilers.Revision.Builders;
using Platform.Workloads;

namespace Platform.ServingController.Reconcilers.Revision;

/// <summary>
/// Revision → its workload (<see cref="IWorkloadBackend.EnsureAsync"/>, idempotent: a new one starts at its initial
/// scale), its PodAutoscaler (the autoscaler decides from it; the workload supervisor scales from it), and its status
/// from the workload's and the PodAutoscaler's. A revision that is gone has its workload deleted; its PodAutoscaler
/// goes with it (owner reference).
/// </summary>
internal sealed class RevisionReconciler(IResourceStore store, IWorkloadBackend backend, TimeProvider time)
{
    /// <summary>Reconciles one Revision.</summary>
    public async Task ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var revisionKey = new RevisionKey(key.Namespace, key.Name);
        var node = await store.GetAsync(ResourceKinds.Revision, key.Namespace, key.Name, cancellationToken);
        if (node is null || node.DeletionTimestamp() is not null)
        {
            await backend.DeleteAsync(revisionKey, cancellationToken);
            return;
        }

        var revision = ServingObjects.Read<ServingRevision>(node);

        // Phase 0: the routing state label and its time (the last active time garbage collection reads).
        var (routed, newest) = await RoutingAsync(revision, cancellationToken);
        var annotations = revision.Metadata.Annotations;
        var currentState = revision.Metadata.Labels?.GetValueOrDefault(RoutingState.Label);
        if (RoutingState.Change(currentState, annotations?.GetValueOrDefault(ServingMeta.RoutingStateModifiedAnnotation),
                RoutingState.Of(routed, newest, currentState), time.GetUtcNow()) is { } change)
        {
            node = await store.PatchAsync(ResourceKinds.Revision, key.Namespace, key.Name, new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["labels"] = new JsonObject { [RoutingState.Label] = change.State },
                    ["annotations"] = new JsonObject { [ServingMeta.RoutingStateModifiedAnnotation] = change.Modified },
                },
            }, status: false, cancellationToken);
            revision = ServingObjects.Read<ServingRevision>(node);
        }

        var build = RevisionWorkloadBuilder.Build(revision);
        if (!build.IsValid)
        {
            await StatusWriter.WriteAsync(store, ResourceKinds.Revision, node,
                RevisionStatusBuilder.Build(revision, null, null, revision.Status, time.GetUtcNow(), build.Message), cancellationToken);
            return;
        }

        // Phase 1: the workload (a new one starts at its initial scale; an existing one keeps the scale it has).
        await backend.EnsureAsync(build.Workload!, cancellationToken);

        // Image digests, once per revision: until the revision's status records the outcome (a note, never a failure).
        var digests = revision.Status?.GetCondition(RevisionStatusBuilder.ImageDigestResolved) is null
            ? await backend.ResolveImageDigestsAsync(build.Workload!, cancellationToken)
            : null;

        // Phase 2: status from what the backend sees now and what the PodAutoscaler says (later changes of either
        // come through their watches), written before the PodAutoscaler so a failing revision always shows.
        var paNode = await store.GetAsync(ResourceKinds.PodAutoscaler, key.Namespace, key.Name, cancellationToken);
        var pa = paNode is null ? null : ServingObjects.Read<PodAutoscaler>(paNode);
        var workload = backend.GetStatus(revisionKey);
        // Not there yet while `docker run` may still be pulling it: asked again when the workload's status changes.
        if (digests is { Reason: ImageDigestReasons.ImageNotFound } && workload is { Ready: 0, Failure: null }) digests = null;
        var status = RevisionStatusBuilder.Build(revision, workload, pa?.Status, revision.Status, time.GetUtcNow(), digests: digests);
        await StatusWriter.WriteAsync(store, ResourceKinds.Revision, node, status, cancellationToken);

        // Phase 3: the PodAutoscaler. A revision no route can reach may go to zero at once, except the newest one,
        // which must first come up to be routed at all.
        var desired = PodAutoscalerBuilder.Build(revision, reachable: routed || newest);
        if (pa is null)
        {
            await store.CreateAsync(ResourceKinds.PodAutoscaler, ServingObjects.ToNode(desired), cancellationToken);
        }
        else if (PodAutoscalerBuilder.NeedsUpdate(pa, desired))
        {
            var next = ServingObjects.ToNode(desired);
            next["metadata"]!["resourceVersion"] = paNode!.ResourceVersion();
            await store.UpdateAsync(ResourceKinds.PodAutoscaler, next, cancellationToken);
        }
    }

    /// <summary>
    /// Whether a route sends the revision traffic, and whether it is its configuration's newest (or has none): the
    /// revision of the configuration's current generation, known as soon as it exists (the configuration's
    /// <c>latestCreatedRevisionName</c> is written a moment later), or its latest created one.
    /// </summary>
    private async Task<(bool Routed, bool Newest)> RoutingAsync(ServingRevision revision, CancellationToken cancellationToken)
    {
        var ns = revision.Metadata.Namespace!;
        var routed = (await ConfigurationReconciler.RoutedRevisionsAsync(store, ns, cancellationToken)).Contains(revision.Metadata.Name!);
        var configName = revision.Metadata.Labels?.GetValueOrDefault(ServingMeta.ConfigurationLabel);
        if (configName is null) return (routed, true);
        var node = await store.GetAsync(ResourceKinds.Configuration, ns, configName, cancellationToken);
        if (node is null) return (routed, true);
        var config = ServingObjects.Read<ServingConfiguration>(node);
        var ofCurrentGeneration = revision.Metadata.Labels?.GetValueOrDefault(ServingMeta.ConfigurationGenerationLabel) is { } generation
            && generation == config.Metadata.Generation?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return (routed, ofCurrentGeneration || config.Status?.LatestCreatedRevisionName is not { } latest || latest == revision.Metadata.Name);
    }
}
