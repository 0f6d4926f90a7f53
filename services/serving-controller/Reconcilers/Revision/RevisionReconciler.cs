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
        var build = RevisionWorkloadBuilder.Build(revision);
        if (!build.IsValid)
        {
            await StatusWriter.WriteAsync(store, ResourceKinds.Revision, node,
                RevisionStatusBuilder.Build(revision, null, null, revision.Status, time.GetUtcNow(), build.Message), cancellationToken);
            return;
        }

        // Phase 1: the workload (a new one starts at its initial scale; an existing one keeps the scale it has).
        await backend.EnsureAsync(build.Workload!, cancellationToken);

        // Phase 2: status from what the backend sees now and what the PodAutoscaler says (later changes of either
        // come through their watches), written before the PodAutoscaler so a failing revision always shows.
        var paNode = await store.GetAsync(ResourceKinds.PodAutoscaler, key.Namespace, key.Name, cancellationToken);
        var pa = paNode is null ? null : ServingObjects.Read<PodAutoscaler>(paNode);
        var status = RevisionStatusBuilder.Build(revision, backend.GetStatus(revisionKey), pa?.Status, revision.Status, time.GetUtcNow());
        await StatusWriter.WriteAsync(store, ResourceKinds.Revision, node, status, cancellationToken);

        // Phase 3: the PodAutoscaler. A revision no route can reach may go to zero at once, except the newest one,
        // which must first come up to be routed at all.
        var desired = PodAutoscalerBuilder.Build(revision, await ReachableAsync(revision, cancellationToken));
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

    private async Task<bool> ReachableAsync(ServingRevision revision, CancellationToken cancellationToken)
    {
        var ns = revision.Metadata.Namespace!;
        if ((await ConfigurationReconciler.RoutedRevisionsAsync(store, ns, cancellationToken)).Contains(revision.Metadata.Name!)) return true;
        var configName = revision.Metadata.Labels?.GetValueOrDefault(ServingMeta.ConfigurationLabel);
        if (configName is null) return true;
        var config = await store.GetAsync(ResourceKinds.Configuration, ns, configName, cancellationToken);
        var latestCreated = config is null ? null : ServingObjects.Read<ServingConfiguration>(config).Status?.LatestCreatedRevisionName;
        return latestCreated is null || latestCreated == revision.Metadata.Name;
    }
}
