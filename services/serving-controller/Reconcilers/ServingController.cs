using Platform.Serving.Contracts.Revisions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.ControlPlane.Kinds;
using Platform.ServingController.Reconcilers.Configuration;
using Platform.ServingController.Reconcilers.Revision;
using Platform.ServingController.Reconcilers.Route;
using Platform.ServingController.Reconcilers.Service;
using Platform.ControlPlane.Store;
using Platform.ControlPlane.Server.Catalog;
using Platform.ServingController.Workloads;
using Platform.Workloads;

namespace Platform.ServingController.Reconcilers;

/// <summary>
/// Runs the four Serving reconcilers: one work queue per kind, fed by a watch of the resource store per kind (an
/// object's change queues it and the objects that depend on it), by the workload backend's status changes, and by
/// a periodic resync of everything. Restart-safe: the watches start with an ADDED event per existing object.
/// </summary>
public sealed partial class ServingController(
    IResourceStore store,
    ServingKinds kinds,
    ServiceReconciler services,
    ConfigurationReconciler configurations,
    RevisionReconciler revisions,
    RouteReconciler routes,
    IWorkloadBackend backend,
    ActivatorSync activator,
    AutoscalerLink autoscaler,
    IOptions<ServingWiringOptions> options,
    TimeProvider time,
    ILogger<ServingController> log) : BackgroundService
{
    private ReconcileQueue? _services, _configurations, _revisions, _routes;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Reconcile) return;
        _services = new ReconcileQueue("Service", services.ReconcileAsync, time, log);
        _configurations = new ReconcileQueue("Configuration", configurations.ReconcileAsync, time, log);
        _revisions = new ReconcileQueue("Revision", revisions.ReconcileAsync, time, log);
        _routes = new ReconcileQueue("Route", routes.ReconcileAsync, time, log);
        var tasks = new List<Task>
        {
            _services.RunAsync(stoppingToken), _configurations.RunAsync(stoppingToken),
            _revisions.RunAsync(stoppingToken), _routes.RunAsync(stoppingToken),
            WatchAsync(kinds.Service, OnServiceAsync, stoppingToken),
            WatchAsync(kinds.Configuration, OnConfigurationAsync, stoppingToken),
            WatchAsync(kinds.Revision, OnRevisionAsync, stoppingToken),
            WatchAsync(kinds.Route, OnRouteAsync, stoppingToken),
            PumpWorkloadsAsync(stoppingToken),
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
        await AddAllAsync(kinds.Route, key.Namespace, _routes!, ct);
    }

    private async Task OnRevisionAsync(ObjectKey key, ResourceEvent e, CancellationToken ct)
    {
        _revisions!.Add(key);
        if (e.Object.Labels().GetValueOrDefault(ServingMeta.ConfigurationLabel) is { Length: > 0 } configuration) _configurations!.Add(key with { Name = configuration });
        await AddAllAsync(kinds.Route, key.Namespace, _routes!, ct);
    }

    private async Task OnRouteAsync(ObjectKey key, ResourceEvent e, CancellationToken ct)
    {
        _routes!.Add(key);
        if (e.Object.Labels().GetValueOrDefault(ServingMeta.ServiceLabel) is { Length: > 0 } service) _services!.Add(key with { Name = service });
        // Which revisions are routed changed: their autoscaler registration (reachable) and GC may change too.
        await AddAllAsync(kinds.Revision, key.Namespace, _revisions!, ct);
        foreach (var c in (await store.ListAsync(kinds.Configuration, key.Namespace, cancellationToken: ct)).Items)
            _configurations!.Add(new ObjectKey(key.Namespace, c.Name()!));
    }

    private async Task AddAllAsync(ResourceKind kind, string? ns, ReconcileQueue queue, CancellationToken ct)
    {
        foreach (var item in (await store.ListAsync(kind, ns, cancellationToken: ct)).Items)
            queue.Add(new ObjectKey(item.Namespace() ?? "default", item.Name()!));
    }

    private async Task WatchAsync(ResourceKind kind, Func<ObjectKey, ResourceEvent, CancellationToken, Task> onChange, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                // No resourceVersion: every existing object arrives as ADDED first, which is the restart path.
                await foreach (var e in store.WatchAsync(kind, null, null, ct))
                    await onChange(new ObjectKey(e.Object.Namespace() ?? "default", e.Object.Name() ?? ""), e, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogWatchFailed(ex, kind.Kind);
                await Task.Delay(TimeSpan.FromSeconds(1), time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    // Workload changes: status of the revision, endpoints to the activator, ready replicas to the autoscaler.
    private async Task PumpWorkloadsAsync(CancellationToken ct)
    {
        var lastReady = new Dictionary<RevisionKey, (int Ready, string Endpoints)>();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await foreach (var status in backend.WatchAsync(ct))
                {
                    var key = status.Revision;
                    _revisions!.Add(new ObjectKey(key.Namespace, key.Name));
                    var endpoints = string.Join(',', status.Endpoints.Select(e => e.Authority));
                    if (status.Removed) { lastReady.Remove(key); continue; }
                    if (lastReady.TryGetValue(key, out var last) && last == (status.Ready, endpoints)) continue;
                    lastReady[key] = (status.Ready, endpoints);
                    var told = await Quietly(() => activator.PushEndpointsAsync(key, ct), "activator endpoints", key);
                    told &= await Quietly(async () =>
                    {
                        if (!await autoscaler.ReportReadyAsync(key, status.Ready, ct)) _revisions.Add(new ObjectKey(key.Namespace, key.Name));
                    }, "autoscaler ready", key);
                    // Not told: try again on the next change (the resync's route pushes carry endpoints too).
                    if (!told) lastReady.Remove(key);
                }
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

    private async Task<bool> Quietly(Func<Task> call, string what, RevisionKey key)
    {
        try
        {
            await call();
            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            LogPeerFailed(what, key.ToString(), ex.Message);
            return false;
        }
    }

    private async Task ResyncAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(options.Value.ResyncInterval, time);
        while (await TickAsync(timer, ct))
        {
            try
            {
                autoscaler.ForgetAll();
                await AddAllAsync(kinds.Service, null, _services!, ct);
                await AddAllAsync(kinds.Configuration, null, _configurations!, ct);
                await AddAllAsync(kinds.Revision, null, _revisions!, ct);
                await AddAllAsync(kinds.Route, null, _routes!, ct);
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

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Telling the {What} of {Revision} failed: {Reason}")]
    private partial void LogPeerFailed(string what, string revision, string reason);
}
