using Platform.Serving.Contracts.Revisions;
using Platform.ServingController.Reconcilers.Configuration;
using Platform.ServingController.Reconcilers.Revision.Builders;
using Platform.ServingController.Reconcilers.Service;
using Platform.ControlPlane.Store;
using Platform.ControlPlane.Server.Catalog;
using Platform.ServingController.Workloads;
using Platform.Workloads;

namespace Platform.ServingController.Reconcilers.Revision;

/// <summary>
/// Revision → its workload (<see cref="IWorkloadBackend.EnsureAsync"/>, idempotent), its registration with the
/// autoscaler (initial scale from the annotations), and its status from the workload's. A revision that is gone
/// has its workload deleted and its autoscaler forgotten.
/// </summary>
public sealed class RevisionReconciler(IResourceStore store, ServingKinds kinds, IWorkloadBackend backend, AutoscalerLink autoscaler, TimeProvider time)
{
    /// <summary>Reconciles one Revision.</summary>
    public async Task ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var revisionKey = new RevisionKey(key.Namespace, key.Name);
        var node = await store.GetAsync(kinds.Revision, key.Namespace, key.Name, cancellationToken);
        if (node is null || node.DeletionTimestamp() is not null)
        {
            await backend.DeleteAsync(revisionKey, cancellationToken);
            await autoscaler.RemoveAsync(revisionKey, cancellationToken);
            return;
        }

        var revision = ServingObjects.Read<ServingRevision>(node);
        var build = RevisionWorkloadBuilder.Build(revision);
        if (!build.IsValid)
        {
            await StatusWriter.WriteAsync(store, kinds.Revision, node,
                RevisionStatusBuilder.Build(revision, null, revision.Status, time.GetUtcNow(), build.Message), cancellationToken);
            return;
        }

        // Phase 1: the workload (a new one starts at its initial scale; an existing one keeps the autoscaler's).
        await backend.EnsureAsync(build.Workload!, cancellationToken);

        // Phase 2: status from what the backend sees now (later changes come through the workload watch); written
        // before the autoscaler is told, so that an unreachable autoscaler never hides a failing revision.
        var status = RevisionStatusBuilder.Build(revision, backend.GetStatus(revisionKey), revision.Status, time.GetUtcNow());
        await StatusWriter.WriteAsync(store, kinds.Revision, node, status, cancellationToken);

        // Phase 3: the autoscaler decides from here on; a revision no route can reach may go to zero at once,
        // except the newest one, which must first come up to be routed at all.
        var reachable = await ReachableAsync(revision, cancellationToken);
        await autoscaler.RegisterAsync(revisionKey, ScalingRegistration.Build(revision, reachable), cancellationToken);
    }

    private async Task<bool> ReachableAsync(ServingRevision revision, CancellationToken cancellationToken)
    {
        var ns = revision.Metadata.Namespace!;
        if ((await ConfigurationReconciler.RoutedRevisionsAsync(store, kinds, ns, cancellationToken)).Contains(revision.Metadata.Name!)) return true;
        var configName = revision.Metadata.Labels?.GetValueOrDefault(ServingMeta.ConfigurationLabel);
        if (configName is null) return true;
        var config = await store.GetAsync(kinds.Configuration, ns, configName, cancellationToken);
        var latestCreated = config is null ? null : ServingObjects.Read<ServingConfiguration>(config).Status?.LatestCreatedRevisionName;
        return latestCreated is null || latestCreated == revision.Metadata.Name;
    }
}
