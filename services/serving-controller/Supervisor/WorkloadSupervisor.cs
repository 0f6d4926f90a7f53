using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Platform.ControlPlane.Informers;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.Serving.Contracts.Revisions;
using Platform.ServingController.Hosting;
using Platform.ServingController.Routing;
using Platform.Workloads;

namespace Platform.ServingController.Supervisor;

/// <summary>
/// The local workload supervisor: the other half of scale as a resource. It follows every PodAutoscaler and makes
/// each revision's workload run <c>status.desiredScale</c> replicas (the autoscaler's decision, read from the control
/// plane, never received from it), and it follows the workloads and writes what they reach back: ready replicas
/// as the PodAutoscaler's <c>status.actualScale</c>, ready endpoints to the activator. Level-triggered: a workload
/// that was (re)created at its initial scale is brought to the desired scale as soon as it appears.
/// </summary>
internal sealed partial class WorkloadSupervisor(
    IResourceStore store,
    IWorkloadBackend backend,
    ActivatorSync activator,
    IOptions<ServingWiringOptions> options,
    TimeProvider time,
    ILogger<WorkloadSupervisor> log) : BackgroundService
{
    private readonly ResourceInformer _autoscalers = new(store, ResourceKinds.PodAutoscaler, null, log, time);
    // Touched by the PodAutoscaler handler and the workload follower, which run side by side.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<RevisionKey, string> _pushedEndpoints = new();
    // Ready replicas to record as actualScale, latest per revision, written by their own loop: a control-plane write
    // must not hold up the next workload change (another revision's replica becoming ready waits for its endpoints).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<RevisionKey, int> _actualScales = new();
    private readonly System.Threading.Channels.Channel<RevisionKey> _actualScaleQueue =
        System.Threading.Channels.Channel.CreateUnbounded<RevisionKey>(new() { SingleReader = true });

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.Supervise
            ? Task.WhenAll(_autoscalers.RunAsync(OnPodAutoscalerAsync, stoppingToken), FollowWorkloadsAsync(stoppingToken), RecordActualScalesAsync(stoppingToken))
            : Task.CompletedTask;

    /// <summary>The scale a PodAutoscaler asks for: <c>status.desiredScale</c>, or null before the autoscaler decided.</summary>
    public static int? DesiredScale(JsonObject? pa) =>
        pa?["status"]?["desiredScale"] is JsonValue v && v.TryGetValue<int>(out var n) && n >= 0 ? n : null;

    /// <summary>The ready replicas a PodAutoscaler last recorded, or null.</summary>
    public static int? ActualScale(JsonObject? pa) =>
        pa?["status"]?["actualScale"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : null;

    private async Task OnPodAutoscalerAsync(ResourceEvent e, CancellationToken ct)
    {
        var key = new RevisionKey(e.Object.Namespace() ?? "default", e.Object.Name() ?? "");
        // A deleted PodAutoscaler's revision is gone too: the revision reconciler deletes its workload.
        if (e.Type == WatchEventType.Deleted)
        {
            activator.SetMode(key, null);
            return;
        }
        // The autoscaler's Serve/Proxy decision reaches the activator with the revision's endpoints.
        if (activator.SetMode(key, Mode(e.Object)) && backend.GetStatus(key) is { Removed: false } workload)
        {
            LogMode(key.ToString(), activator.ModeOf(key));
            await PushEndpointsIfChangedAsync(workload, ct);
        }
        if (DesiredScale(e.Object) is not { } desired) return;
        await ScaleAsync(key, desired, ct);
    }

    /// <summary>The activator mode a PodAutoscaler's <c>status.mode</c> asks for, or null before the autoscaler decided.</summary>
    public static string? Mode(JsonObject? pa) =>
        pa?["status"]?["mode"] is JsonValue v && v.TryGetValue<string>(out var mode) ? mode : null;

    private Task ScaleAsync(RevisionKey revision, int desired, CancellationToken ct)
    {
        // KEDA and the HPA apply the decision in a cluster; scaling here too would fight them.
        if (backend.ExternallyScaled) return Task.CompletedTask;
        // No workload yet: the revision reconciler creates it, and its first status brings it here again.
        if (backend.GetStatus(revision) is not { } workload || workload.Desired == desired) return Task.CompletedTask;
        LogScaling(revision.ToString(), workload.Desired, desired);
        // Not awaited: a scale-down completes when its replicas have drained and stopped, which needs this supervisor
        // to go on following workloads (and pushing endpoints, for this revision and every other).
        _ = ScaleInBackgroundAsync(revision, desired, ct);
        return Task.CompletedTask;
    }

    private async Task ScaleInBackgroundAsync(RevisionKey revision, int desired, CancellationToken ct)
    {
        try
        {
            await backend.ScaleAsync(revision, desired, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogFailed(ex, $"scaling {revision}");
        }
    }

    private async Task FollowWorkloadsAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await foreach (var status in backend.WatchAsync(ct))
                    await OnWorkloadAsync(status, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogFailed(ex, "following workloads");
                await Task.Delay(TimeSpan.FromSeconds(1), time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task OnWorkloadAsync(WorkloadStatus status, CancellationToken ct)
    {
        var key = status.Revision;
        if (status.Removed)
        {
            _pushedEndpoints.TryRemove(key, out _);
            return;
        }
        var pa = _autoscalers.Get(key.Namespace, key.Name);
        if (DesiredScale(pa) is { } desired && status.Desired != desired) await ScaleAsync(key, desired, ct);
        // Endpoints first: a request held at zero waits for them, while actualScale is only read by people and tools.
        await PushEndpointsIfChangedAsync(status, ct);
        if (pa is not null && ActualScale(pa) != status.Ready)
        {
            // The writer takes the latest count of a revision; a key queued again after it was written finds none.
            _actualScales[key] = status.Ready;
            _actualScaleQueue.Writer.TryWrite(key);
        }
    }

    private async Task RecordActualScalesAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var key in _actualScaleQueue.Reader.ReadAllAsync(ct))
            {
                if (!_actualScales.TryRemove(key, out var ready)) continue;
                if (ActualScale(_autoscalers.Get(key.Namespace, key.Name)) == ready) continue;
                try
                {
                    await RecordActualScaleAsync(key, ready, ct);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    // Tried again in a second (with a newer count if one came meanwhile); the store is down or busy.
                    LogActualScaleFailed(key.ToString(), ready, ex.Message);
                    _actualScales.TryAdd(key, ready);
                    await Task.Delay(TimeSpan.FromSeconds(1), time, ct);
                    _actualScaleQueue.Writer.TryWrite(key);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task PushEndpointsIfChangedAsync(WorkloadStatus status, CancellationToken ct)
    {
        var key = status.Revision;

        // Ready endpoints (and a failure to start, which ends held requests) to the activator, once per change; a failed push is tried again at the next change
        // (and every route-table push carries them too).
        // Once the activator has them, replicas this status left out get no new requests and may stop (drain).
        var endpoints = string.Join(',', status.Endpoints.Select(e => e.Authority)) + "|" + activator.ModeOf(key) + "|" + status.Failure?.Reason + status.Failure?.Message;
        if (_pushedEndpoints.GetValueOrDefault(key) == endpoints)
        {
            backend.EndpointsApplied(key, status.Version);
            return;
        }
        try
        {
            await activator.PushEndpointsAsync(key, ct);
            _pushedEndpoints[key] = endpoints;
            backend.EndpointsApplied(key, status.Version);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException && !ct.IsCancellationRequested)
        {
            _pushedEndpoints.TryRemove(key, out _);
            LogPushFailed(key.ToString(), ex.Message);
        }
    }

    private async Task RecordActualScaleAsync(RevisionKey key, int ready, CancellationToken ct)
    {
        try
        {
            await store.PatchAsync(ResourceKinds.PodAutoscaler, key.Namespace, key.Name,
                new JsonObject { ["status"] = new JsonObject { ["actualScale"] = ready } }, status: true, ct);
        }
        catch (ResourceException e) when (e.Reason == StatusReason.NotFound)
        {
            // The revision (and its PodAutoscaler) was just deleted.
        }
    }

    [LoggerMessage(EventId = 2401, Level = LogLevel.Information, Message = "{Revision}: scaling from {From} to {To} replicas (PodAutoscaler status.desiredScale)")]
    private partial void LogScaling(string revision, int from, int to);

    [LoggerMessage(EventId = 2404, Level = LogLevel.Information, Message = "{Revision}: activator mode {Mode} (PodAutoscaler status.mode)")]
    private partial void LogMode(string revision, string mode);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Warning, Message = "Workload supervisor: {What} failed; restarting")]
    private partial void LogFailed(Exception ex, string what);

    [LoggerMessage(EventId = 2405, Level = LogLevel.Warning, Message = "{Revision}: recording {Ready} ready replicas as the PodAutoscaler's actualScale failed: {Reason}")]
    private partial void LogActualScaleFailed(string revision, int ready, string reason);

    [LoggerMessage(EventId = 2403, Level = LogLevel.Warning, Message = "Telling the activator the endpoints of {Revision} failed: {Reason}")]
    private partial void LogPushFailed(string revision, string reason);
}
