using Microsoft.Extensions.Options;
using Platform.ControlPlane.Informers;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.ServingController.Hosting;
using Platform.ServingController.Reconcilers.Configuration;
using Platform.ServingController.Reconcilers.DomainMapping;
using Platform.ServingController.Reconcilers.Revision;
using Platform.ServingController.Reconcilers.Route;
using Platform.ServingController.Reconcilers.Service;
using Platform.Workloads;

namespace Platform.ServingController.Reconcilers;

/// <summary>
/// Runs the five Serving reconcilers (Service, Configuration, Revision, Route, DomainMapping): one work queue per kind, fed by an informer per kind (an object's change
/// queues it and the objects that depend on it; a PodAutoscaler's change queues its revision), by the workload
/// backend's status changes (the revision's child workload), and by a periodic resync of everything. Restart-safe:
/// every informer starts with a full list.
/// </summary>
internal sealed partial class ServingController(
    IResourceStore store,
    ServiceReconciler services,
    ConfigurationReconciler configurations,
    RevisionReconciler revisions,
    RouteReconciler routes,
    DomainMappingReconciler domainMappings,
    IWorkloadBackend backend,
    IOptions<ServingWiringOptions> options,
    TimeProvider time,
    ILogger<ServingController> log,
    Cluster.ClusterPreflight? preflight = null) : BackgroundService
{
    private ReconcileQueue? _services, _configurations, _revisions, _routes, _domainMappings;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Reconcile) return;
        // Kubernetes mode: not before the Serving CRDs are installed and ours (the check logs what is wrong).
        if (preflight is not null) await preflight.WaitUntilReadyAsync(stoppingToken);
        _services = new ReconcileQueue("Service", services.ReconcileAsync, time, log);
        _configurations = new ReconcileQueue("Configuration", configurations.ReconcileAsync, time, log);
        _revisions = new ReconcileQueue("Revision", revisions.ReconcileAsync, time, log);
        _routes = new ReconcileQueue("Route", routes.ReconcileAsync, time, log);
        _domainMappings = new ReconcileQueue("DomainMapping", domainMappings.ReconcileAsync, time, log);
        var tasks = new List<Task>
        {
            _services.RunAsync(stoppingToken), _configurations.RunAsync(stoppingToken),
            _revisions.RunAsync(stoppingToken), _routes.RunAsync(stoppingToken), _domainMappings.RunAsync(stoppingToken),
            FollowAsync(ResourceKinds.Service, OnServiceAsync, stoppingToken),
            FollowAsync(ResourceKinds.Configuration, OnConfigurationAsync, stoppingToken),
            FollowAsync(ResourceKinds.Revision, OnRevisionAsync, stoppingToken),
            FollowAsync(ResourceKinds.Route, OnRouteAsync, stoppingToken),
            FollowAsync(ResourceKinds.DomainMapping, OnDomainMappingAsync, stoppingToken),
            FollowAsync(ResourceKinds.PodAutoscaler, OnPodAutoscalerAsync, stoppingToken),
            FollowWorkloadsAsync(stoppingToken),
            ResyncAsync(stoppingToken),
        };
        await Task.WhenAll(tasks);
    }

    private Task OnServiceAsync(ObjectKey key, ResourceEvent e, CancellationToken ct)
    {
        _services!.Add(key);
        return Task.CompletedTask;
    }

    private async Task OnConfigurationAsync(ObjectKey key, ResourceEvent e, CancellationToken ct)
    {
        _configurations!.Add(key);
        if (e.Object.Labels().GetValueOrDefault(ServingMeta.ServiceLabel) is { Length: > 0 } service) _services!.Add(key with { Name = service });
        await AddAllAsync(ResourceKinds.Route, key.Namespace, _routes!, ct);
    }

    private async Task OnRevisionAsync(ObjectKey key, ResourceEvent e, CancellationToken ct)
    {
        _revisions!.Add(key);
        var configuration = e.Object.Labels().GetValueOrDefault(ServingMeta.ConfigurationLabel);
        if (configuration is { Length: > 0 }) _configurations!.Add(key with { Name = configuration });
        // Only the Routes whose traffic names it: every Route of the namespace made each status change of one revision
        // cost a reconcile (and a table build) per Route.
        foreach (var item in (await store.ListAsync(ResourceKinds.Route, key.Namespace, cancellationToken: ct)).Items)
            if (RouteReferences.Names(ServingObjects.Read<ServingRoute>(item), key.Name, configuration))
                _routes!.Add(new ObjectKey(item.Namespace() ?? "default", item.Name()!));
    }

    private async Task OnRouteAsync(ObjectKey key, ResourceEvent e, CancellationToken ct)
    {
        _routes!.Add(key);
        if (e.Object.Labels().GetValueOrDefault(ServingMeta.ServiceLabel) is { Length: > 0 } service) _services!.Add(key with { Name = service });
        // Which revisions are routed changed: their PodAutoscaler's reachability and GC may change too.
        await AddAllAsync(ResourceKinds.Revision, key.Namespace, _revisions!, ct);
        // A mapped service became routable (or stopped being).
        await AddAllAsync(ResourceKinds.DomainMapping, key.Namespace, _domainMappings!, ct);
        foreach (var c in (await store.ListAsync(ResourceKinds.Configuration, key.Namespace, cancellationToken: ct)).Items)
            _configurations!.Add(new ObjectKey(key.Namespace, c.Name()!));
    }

    // A mapping of the same domain in another namespace may give up or take the claim.
    private async Task OnDomainMappingAsync(ObjectKey key, ResourceEvent e, CancellationToken ct)
    {
        _domainMappings!.Add(key);
        foreach (var other in (await store.ListAsync(ResourceKinds.DomainMapping, null, cancellationToken: ct)).Items)
            if (other.Name() == key.Name && other.Namespace() != key.Namespace)
                _domainMappings.Add(new ObjectKey(other.Namespace() ?? "default", key.Name));
    }

    // A PodAutoscaler is named after its revision: a decided or reached scale changes the revision's status.
    private Task OnPodAutoscalerAsync(ObjectKey key, ResourceEvent e, CancellationToken ct)
    {
        _revisions!.Add(key);
        return Task.CompletedTask;
    }

    private async Task AddAllAsync(ResourceKind kind, string? ns, ReconcileQueue queue, CancellationToken ct)
    {
        foreach (var item in (await store.ListAsync(kind, ns, cancellationToken: ct)).Items)
            queue.Add(new ObjectKey(item.Namespace() ?? "default", item.Name()!));
    }

    private Task FollowAsync(ResourceKind kind, Func<ObjectKey, ResourceEvent, CancellationToken, Task> onChange, CancellationToken ct) =>
        new ResourceInformer(store, kind, null, log, time).RunAsync(
            (e, token) => onChange(new ObjectKey(e.Object.Namespace() ?? "default", e.Object.Name() ?? ""), e, token), ct);

    // The revision's child workload changed (a replica ready, failing, gone): its status follows.
    private async Task FollowWorkloadsAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await foreach (var status in backend.WatchAsync(ct))
                    _revisions!.Add(new ObjectKey(status.Revision.Namespace, status.Revision.Name));
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogWatchFailed(ex, "workloads");
                await Task.Delay(TimeSpan.FromSeconds(1), time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task ResyncAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(options.Value.ResyncInterval, time);
        while (await TickAsync(timer, ct))
        {
            try
            {
                await AddAllAsync(ResourceKinds.Service, null, _services!, ct);
                await AddAllAsync(ResourceKinds.Configuration, null, _configurations!, ct);
                await AddAllAsync(ResourceKinds.Revision, null, _revisions!, ct);
                await AddAllAsync(ResourceKinds.Route, null, _routes!, ct);
                // An addressable a DomainMapping names (a Broker, ...) may have gained or lost its address.
                await AddAllAsync(ResourceKinds.DomainMapping, null, _domainMappings!, ct);
                // Workloads whose revision is gone (deleted while the controller was down): reconcile deletes them.
                foreach (var w in backend.List()) _revisions!.Add(new ObjectKey(w.Revision.Namespace, w.Revision.Name));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogWatchFailed(ex, "resync");
            }
        }
    }

    private static async Task<bool> TickAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Watch of {Kind} failed; restarting")]
    private partial void LogWatchFailed(Exception ex, string kind);
}
