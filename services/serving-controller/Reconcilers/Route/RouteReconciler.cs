using Microsoft.Extensions.Options;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.Resources.Meta;
using Platform.ServingController.Reconcilers.Route.Builders;
using Platform.ServingController.Routing;

namespace Platform.ServingController.Reconcilers.Route;

/// <summary>
/// Route → traffic resolved to revisions, the activator's table pushed (IngressReady), status with URL, address,
/// traffic and tag URLs. A deleted Route is removed from the activator by the same push.
/// </summary>
internal sealed class RouteReconciler(IResourceStore store, ActivatorSync activator, IOptions<RouteDomainOptions> domain, TimeProvider time)
{
    /// <summary>Reconciles one Route.</summary>
    public async Task ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var node = await store.GetAsync(ResourceKinds.Route, key.Namespace, key.Name, cancellationToken);
        if (node is null || node.DeletionTimestamp() is not null)
        {
            await activator.PushTableAsync(cancellationToken);
            return;
        }

        var route = ServingObjects.Read<ServingRoute>(node);
        var ns = key.Namespace;
        var revisions = (await store.ListAsync(ResourceKinds.Revision, ns, cancellationToken: cancellationToken)).Items
            .Select(ServingObjects.Read<ServingRevision>)
            .ToDictionary(r => r.Metadata.Name!, r => new RevisionFacts(r.Metadata.Name!, r.Status?.GetCondition(ConditionTypes.Ready)?.Status ?? ConditionStatus.Unknown));
        var configurations = (await store.ListAsync(ResourceKinds.Configuration, ns, cancellationToken: cancellationToken)).Items
            .Select(ServingObjects.Read<ServingConfiguration>)
            .ToDictionary(c => c.Metadata.Name!, c => new ConfigurationFacts(c.Metadata.Name!, c.Status?.LatestReadyRevisionName,
                c.Status?.GetCondition(ConditionTypes.Ready)?.Status ?? ConditionStatus.Unknown));
        var resolved = TrafficResolver.Resolve(route, revisions, configurations, domain.Value);

        // Write the resolved traffic first: the activator's table is built from the stored statuses.
        var now = time.GetUtcNow();
        var previous = route.Status;
        var ingressWasReady = previous?.GetCondition(ConditionTypes.IngressReady)?.Status == ConditionStatus.True
            && previous.Traffic is not null && resolved.Traffic is not null && ServingObjects.SameJson(previous.Traffic, resolved.Traffic.ToList());
        var status = RouteStatusBuilder.Build(route, resolved, ingressWasReady, null, previous, domain.Value, now);
        node = await StatusWriter.WriteAsync(store, ResourceKinds.Route, node, status, cancellationToken);

        string? ingressError = null;
        try
        {
            await activator.PushTableAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            ingressError = $"The activator could not be programmed: {ex.Message}";
        }

        var programmed = ingressError is null && resolved.Problem is null;
        status = RouteStatusBuilder.Build(route, resolved, programmed, ingressError, status, domain.Value, now);
        await StatusWriter.WriteAsync(store, ResourceKinds.Route, node, status, cancellationToken);
        if (ingressError is not null) throw new HttpRequestException(ingressError); // retried with back-off
    }
}
