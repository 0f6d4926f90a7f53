using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.ServingController.Reconcilers.DomainMapping.Builders;
using Platform.ServingController.Routing;

namespace Platform.ServingController.Reconcilers.DomainMapping;

/// <summary>
/// DomainMapping → the domain claimed, its reference resolved (a Knative Service, or any addressable), the activator's
/// table pushed with the domain in it (IngressReady), status with URL and conditions. A deleted mapping leaves the
/// activator by the same push.
/// </summary>
internal sealed class DomainMappingReconciler(IResourceStore store, ActivatorSync activator, TimeProvider time)
{
    /// <summary>Reconciles one DomainMapping.</summary>
    public async Task ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var node = await store.GetAsync(ResourceKinds.DomainMapping, key.Namespace, key.Name, cancellationToken);
        if (node is null || node.DeletionTimestamp() is not null)
        {
            await activator.PushTableAsync(cancellationToken);
            return;
        }

        var mapping = ServingObjects.Read<ServingDomainMapping>(node);
        var owner = DomainClaims.Owner((await store.ListAsync(ResourceKinds.DomainMapping, null, cancellationToken: cancellationToken)).Items
            .Select(ServingObjects.Read<ServingDomainMapping>).Where(m => m.Metadata.Name == key.Name));
        var claimed = owner == key.Namespace;
        var target = await DomainTarget.ReadAsync(store, mapping, cancellationToken);

        // The table is built from the mappings' specs, not their statuses: one status write, after the push (a
        // provisional status written first would flip the conditions on every reconcile that its write triggers).
        string? ingressError = null;
        var routed = false;
        var activatorFailed = false;
        try
        {
            var table = await activator.PushTableAsync(cancellationToken);
            routed = table.Domains?.Any(d => string.Equals(d.Host, key.Name, StringComparison.OrdinalIgnoreCase) && d.Namespace == key.Namespace) == true;
            if (!routed && claimed && target.Resolved)
                ingressError = $"Waiting for {mapping.Spec!.Ref!.Kind} {key.Namespace}/{mapping.Spec.Ref.Name} to be routed.";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            ingressError = $"The activator could not be programmed: {ex.Message}";
            activatorFailed = true;
        }

        var status = DomainMappingStatusBuilder.Build(mapping, claimed, owner, target, routed, ingressError, mapping.Status, time.GetUtcNow());
        await StatusWriter.WriteAsync(store, ResourceKinds.DomainMapping, node, status, cancellationToken);
        if (activatorFailed) throw new HttpRequestException(ingressError); // retried with back-off
    }
}
