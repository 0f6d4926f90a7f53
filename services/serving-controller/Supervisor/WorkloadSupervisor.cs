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
    private readonly Dictionary<RevisionKey, string> _pushedEndpoints = [];

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.Supervise
            ? Task.WhenAll(_autoscalers.RunAsync(OnPodAutoscalerAsync, stoppingToken), FollowWorkloadsAsync(stoppingToken))
            : Task.CompletedTask;

    /// <summary>The scale a PodAutoscaler asks for: <c>status.desiredScale</c>, or null before the autoscaler decided.</summary>
    public static int? DesiredScale(JsonObject? pa) =>
        pa?["status"]?["desiredScale"] is JsonValue v && v.TryGetValue<int>(out var n) && n >= 0 ? n : null;

    /// <summary>The ready replicas a PodAutoscaler last recorded, or null.</summary>
    public static int? ActualScale(JsonObject? pa) =>
        pa?["status"]?["actualScale"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : null;

    private async Task OnPodAutoscalerAsync(ResourceEvent e, CancellationToken ct)
    {
        // A deleted PodAutoscaler's revision is gone too: the revision reconciler deletes its workload.
        if (e.Type == WatchEventType.Deleted || DesiredScale(e.Object) is not { } desired) return;
        await ScaleAsync(new RevisionKey(e.Object.Namespace() ?? "default", e.Object.Name() ?? ""), desired, ct);
    }

    private async Task ScaleAsync(RevisionKey revision, int desired, CancellationToken ct)
    {
        // No workload yet: the revision reconciler creates it, and its first status brings it here again.
        if (backend.GetStatus(revision) is not { } workload || workload.Desired == desired) return;
        LogScaling(revision.ToString(), workload.Desired, desired);
        await backend.ScaleAsync(revision, desired, ct);
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
            _pushedEndpoints.Remove(key);
            return;
        }
        var pa = _autoscalers.Get(key.Namespace, key.Name);
        if (DesiredScale(pa) is { } desired && status.Desired != desired) await ScaleAsync(key, desired, ct);
        if (pa is not null && ActualScale(pa) != status.Ready) await RecordActualScaleAsync(key, status.Ready, ct);

        // Ready endpoints to the activator, once per change; a failed push is tried again at the next change
        // (and every route-table push carries them too).
        var endpoints = string.Join(',', status.Endpoints.Select(e => e.Authority));
        if (_pushedEndpoints.GetValueOrDefault(key) == endpoints) return;
        try
        {
            await activator.PushEndpointsAsync(key, ct);
            _pushedEndpoints[key] = endpoints;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException && !ct.IsCancellationRequested)
        {
            _pushedEndpoints.Remove(key);
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

    [LoggerMessage(EventId = 2402, Level = LogLevel.Warning, Message = "Workload supervisor: {What} failed; restarting")]
    private partial void LogFailed(Exception ex, string what);

    [LoggerMessage(EventId = 2403, Level = LogLevel.Warning, Message = "Telling the activator the endpoints of {Revision} failed: {Reason}")]
    private partial void LogPushFailed(string revision, string reason);
}
