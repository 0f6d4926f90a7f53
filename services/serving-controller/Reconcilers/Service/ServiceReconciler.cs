using System.Text.Json.Nodes;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.ServingController.Reconcilers.Service.Builders;

namespace Platform.ServingController.Reconcilers.Service;

/// <summary>
/// Service → its Configuration and Route (same name, owned, labelled <c>serving.knative.dev/service</c>), then the
/// Service's status from theirs. Children are found by name and checked by owner uid, never created "because I did
/// not see one", so a restarted controller converges on the same objects.
/// </summary>
internal sealed class ServiceReconciler(IResourceStore store, TimeProvider time)
{
    /// <summary>Reconciles one Service.</summary>
    public async Task ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var node = await store.GetAsync(ResourceKinds.Service, key.Namespace, key.Name, cancellationToken);
        if (node is null || node.DeletionTimestamp() is not null) return; // children go by owner-reference cascade
        var service = ServingObjects.Read<ServingService>(node);

        var (configuration, configError) = await EnsureChildAsync<ServingConfiguration>(ResourceKinds.Configuration, service,
            ServiceChildren.MakeConfiguration(service), c => c.Spec, cancellationToken);
        var (route, routeError) = await EnsureChildAsync<ServingRoute>(ResourceKinds.Route, service,
            ServiceChildren.MakeRoute(service), r => r.Spec, cancellationToken);

        var status = ServiceStatusBuilder.Build(service, configuration, route, service.Status, time.GetUtcNow(), configError ?? routeError);
        await StatusWriter.WriteAsync(store, ResourceKinds.Service, node, status, cancellationToken);
    }

    private async Task<(T? Child, string? Error)> EnsureChildAsync<T>(ResourceKind kind, ServingService service, T desired, Func<T, object> spec, CancellationToken cancellationToken)
        where T : Platform.Resources.Meta.Resource
    {
        var existingNode = await store.GetAsync(kind, desired.Metadata.Namespace!, desired.Metadata.Name!, cancellationToken);
        if (existingNode is null)
        {
            var created = await store.CreateAsync(kind, ServingObjects.ToNode(desired), cancellationToken);
            return (ServingObjects.Read<T>(created), null);
        }

        var existing = ServingObjects.Read<T>(existingNode);
        if (!ServingObjects.IsControlledBy(existing, service.Metadata.Uid))
            return (null, $"There is an existing {kind.Kind} \"{desired.Metadata.Name}\" that we do not own.");
        if (!ServiceChildren.NeedsUpdate(existing, desired, spec(existing), spec(desired))) return (existing, null);

        // Replace spec, labels and annotations we own; keep the rest of the stored object (resourceVersion guards races).
        var next = (JsonObject)existingNode.DeepClone();
        var desiredNode = ServingObjects.ToNode(desired);
        next["spec"] = desiredNode["spec"]?.DeepClone();
        var metadata = next.EnsureMetadata();
        metadata["labels"] = Merge(metadata["labels"] as JsonObject, desiredNode.Metadata()?["labels"] as JsonObject);
        metadata["annotations"] = Merge(metadata["annotations"] as JsonObject, desiredNode.Metadata()?["annotations"] as JsonObject);
        var updated = await store.UpdateAsync(kind, next, cancellationToken);
        return (ServingObjects.Read<T>(updated), null);
    }

    private static JsonObject? Merge(JsonObject? existing, JsonObject? desired)
    {
        if (existing is null && desired is null) return null;
        var result = (JsonObject?)existing?.DeepClone() ?? new JsonObject();
        foreach (var (k, v) in desired ?? []) result[k] = v?.DeepClone();
        return result;
    }
}
