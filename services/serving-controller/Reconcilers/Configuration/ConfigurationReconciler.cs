using Microsoft.Extensions.Options;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.Resources.Serving;
using Platform.ServingController.Reconcilers.Configuration.Builders;

namespace Platform.ServingController.Reconcilers.Configuration;

/// <summary>
/// Configuration → the revision of its current generation (created once, by its deterministic name), status
/// (<c>latestCreatedRevisionName</c>, <c>latestReadyRevisionName</c>, Ready), then revision garbage collection.
/// </summary>
internal sealed class ConfigurationReconciler(IResourceStore store, IOptions<GcSettings> gc, TimeProvider time)
{
    /// <summary>Reason when a chosen revision name exists with another spec (revisions are immutable).</summary>
    public const string RevisionImmutable = "RevisionImmutable";

    /// <summary>Reconciles one Configuration.</summary>
    public async Task ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var node = await store.GetAsync(ResourceKinds.Configuration, key.Namespace, key.Name, cancellationToken);
        if (node is null || node.DeletionTimestamp() is not null) return;
        var configuration = ServingObjects.Read<ServingConfiguration>(node);
        var now = time.GetUtcNow();

        // Phase 1: the current generation's revision.
        ServingRevision? latest = null;
        (string, string)? error = null;
        if (RevisionStamp.CheckChosenName(configuration) is { } nameError)
            error = (RevisionStamp.InvalidRevisionName, nameError);
        else
        {
            var desired = RevisionStamp.Make(configuration);
            var existing = await store.GetAsync(ResourceKinds.Revision, key.Namespace, desired.Metadata.Name!, cancellationToken);
            if (existing is null)
                latest = ServingObjects.Read<ServingRevision>(await store.CreateAsync(ResourceKinds.Revision, ServingObjects.ToNode(desired), cancellationToken));
            else
            {
                latest = ServingObjects.Read<ServingRevision>(existing);
                if (!ServingObjects.IsControlledBy(latest, configuration.Metadata.Uid))
                    (latest, error) = (null, ("NotOwned", $"Revision \"{desired.Metadata.Name}\" exists and is not owned by this Configuration."));
                else if (RevisionStamp.Differs(latest, desired) && !string.IsNullOrEmpty(configuration.Spec.Template?.Metadata?.Name))
                    (latest, error) = (null, (RevisionImmutable,
                        $"Revision \"{desired.Metadata.Name}\" already exists with another spec: a changed template needs a new spec.template.metadata.name."));
            }
        }

        // Phase 2: status.
        var status = ConfigurationStatusBuilder.Build(configuration, latest, configuration.Status, now, error);
        await StatusWriter.WriteAsync(store, ResourceKinds.Configuration, node, status, cancellationToken);

        // Phase 3: garbage collection of old, unrouted revisions.
        await CollectAsync(configuration, status, now, cancellationToken);
    }

    private async Task CollectAsync(ServingConfiguration configuration, ConfigurationStatus status, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ns = configuration.Metadata.Namespace!;
        if (configuration.Metadata.Annotations?.GetValueOrDefault(ServingMeta.NoGcAnnotation) == "true") return;
        var revisions = (await store.ListAsync(ResourceKinds.Revision, ns, $"{ServingMeta.ConfigurationLabel}={configuration.Metadata.Name}", cancellationToken)).Items
            .Select(ServingObjects.Read<ServingRevision>).ToList();
        if (revisions.Count <= Math.Max(0, gc.Value.MinNonActiveRevisions)) return;
        var routed = await RoutedRevisionsAsync(store, ns, cancellationToken);
        var candidates = revisions.Select(r =>
        {
            var created = r.Metadata.CreationTimestamp ?? now;
            var lastActive = r.Metadata.Annotations?.GetValueOrDefault(ServingMeta.RoutingStateModifiedAnnotation) is { } s
                && DateTimeOffset.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? t : created;
            var name = r.Metadata.Name!;
            return new GcCandidate(name, created, lastActive,
                Active: routed.Contains(name) || name == status.LatestCreatedRevisionName || name == status.LatestReadyRevisionName,
                NoGc: r.Metadata.Annotations?.GetValueOrDefault(ServingMeta.NoGcAnnotation) == "true");
        }).ToList();
        foreach (var name in RevisionCollector.Collect(candidates, gc.Value, now))
            await store.DeleteAsync(ResourceKinds.Revision, ns, name, cancellationToken);
    }

    /// <summary>The revisions any Route of <paramref name="ns"/> sends traffic to (status, and spec names).</summary>
    public static async Task<HashSet<string>> RoutedRevisionsAsync(IResourceStore store, string ns, CancellationToken cancellationToken)
    {
        var routed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in (await store.ListAsync(ResourceKinds.Route, ns, cancellationToken: cancellationToken)).Items)
        {
            var route = ServingObjects.Read<ServingRoute>(node);
            foreach (var t in route.Status?.Traffic ?? []) if (!string.IsNullOrEmpty(t.RevisionName)) routed.Add(t.RevisionName);
            foreach (var t in route.Spec.Traffic ?? []) if (!string.IsNullOrEmpty(t.RevisionName)) routed.Add(t.RevisionName);
        }
        return routed;
    }
}
