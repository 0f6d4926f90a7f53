using System.Text.Json.Nodes;
using Platform.Autoscaler.Revisions;
using Platform.Autoscaler.Scaling;
using Platform.ControlPlane.Informers;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.Serving.Contracts.Revisions;
using Platform.Serving.Contracts.Routing;

namespace Platform.Autoscaler.PodAutoscalers;

/// <summary>
/// Follows every PodAutoscaler in the control plane (a <see cref="ResourceInformer"/>): a new or changed spec
/// configures the revision's autoscaler, a changed <c>status.actualScale</c> reports its ready replicas, a deleted one
/// removes it; each state is put on the <see cref="PodAutoscalerBoard"/> for KEDA. Level-triggered: a
/// <c>status.desiredScale</c> that is not the autoscaler's current decision (a write lost across a restart) is
/// written again. What failed (the sidecar not up yet) is tried again at the next resync, which re-checks every
/// PodAutoscaler.
/// </summary>
internal sealed partial class PodAutoscalerFollower(
    IResourceStore store,
    IRevisionAutoscalers autoscalers,
    IScaleTarget target,
    PodAutoscalerBoard board,
    TimeProvider time,
    ILogger<PodAutoscalerFollower> log) : BackgroundService
{
    /// <summary>How often every PodAutoscaler is checked again against what was applied.</summary>
    public static readonly TimeSpan Resync = TimeSpan.FromSeconds(10);

    /// <summary>Every this many resyncs each autoscaler is configured again whatever was applied (state lost elsewhere).</summary>
    public const int FullResyncEvery = 6;

    private readonly ResourceInformer _informer = new(store, ResourceKinds.PodAutoscaler, null, log, time);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<RevisionKey, (RevisionScalingSpec Spec, int? Ready)> _applied = [];

    /// <summary>Completes once every PodAutoscaler was listed and applied once.</summary>
    public Task Synced => _informer.Synced;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var follow = _informer.RunAsync(OnChangeAsync, stoppingToken);
        using var timer = new PeriodicTimer(Resync, time);
        try
        {
            for (var pass = 1; await timer.WaitForNextTickAsync(stoppingToken); pass++)
            {
                if (pass % FullResyncEvery == 0) await ForgetAppliedAsync(stoppingToken);
                foreach (var pa in _informer.List())
                    await ApplyAsync(pa, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await follow;
    }

    private async Task OnChangeAsync(ResourceEvent e, CancellationToken ct)
    {
        if (e.Type != WatchEventType.Deleted)
        {
            await ApplyAsync(e.Object, ct);
            return;
        }
        var key = KeyOf(e.Object);
        board.Remove(key);
        await _gate.WaitAsync(ct);
        try
        {
            _applied.Remove(key);
            await autoscalers.RemoveAsync(key, ct);
            LogRemoved(key.ToString());
        }
        finally { _gate.Release(); }
    }

    // Serialised: the informer and the resync must not configure one revision twice at once.
    private async Task ApplyAsync(JsonObject pa, CancellationToken ct)
    {
        var key = KeyOf(pa);
        if (IsHpaClass(pa))
        {
            // Scaled on CPU or memory by an HPA (locally the workload supervisor's, in a cluster KEDA's cpu/memory
            // triggers): never by this KPA, not even as a fallback. One that changed class is forgotten here.
            board.Remove(key);
            await _gate.WaitAsync(ct);
            try
            {
                if (_applied.Remove(key)) await autoscalers.RemoveAsync(key, ct);
            }
            finally { _gate.Release(); }
            return;
        }
        board.Update(key, pa);
        var spec = ScalingSpecs.From(pa);
        var ready = PodAutoscalerBoard.ActualScale(pa);
        await _gate.WaitAsync(ct);
        try
        {
            if (!_applied.TryGetValue(key, out var applied) || applied.Spec with { ReadyPods = null } != spec with { ReadyPods = null })
            {
                await autoscalers.ConfigureAsync(key, spec, ct);
                _applied[key] = applied = (spec, null);
            }
            if (ready is { } r && applied.Ready != r)
            {
                // Unknown to the autoscaler (its state store lost it): configure it again at the next pass.
                if (await autoscalers.ReportReadyAsync(key, r, ct)) _applied[key] = applied with { Ready = r };
                else _applied.Remove(key);
            }
            if (await autoscalers.GetStatusAsync(key, ct) is { } decided
                && (decided.DesiredScale != PodAutoscalerBoard.DesiredScale(pa) || (decided.Mode ?? ActivatorModes.Proxy) != PodAutoscalerBoard.Mode(pa)))
                await target.ApplyAsync(key, new ScaleResult(decided.DesiredScale, 0, Valid: true, decided.InPanic, decided.Reason) { Mode = decided.Mode }, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogApplyFailed(ex, key.ToString());
        }
        finally { _gate.Release(); }
    }

    private async Task ForgetAppliedAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try { _applied.Clear(); }
        finally { _gate.Release(); }
    }

    private static bool IsHpaClass(JsonObject pa) =>
        Platform.Resources.Autoscaling.AutoscalingSettings.FromAnnotations(pa.Annotations()).IsHpaClass;

    private static RevisionKey KeyOf(JsonObject pa) => new(pa.Namespace() ?? "default", pa.Name() ?? "");

    [LoggerMessage(EventId = LogEvents.PodAutoscalerFailed, Level = LogLevel.Warning, Message = "{Revision}: applying its PodAutoscaler failed; retried at the next resync")]
    private partial void LogApplyFailed(Exception ex, string revision);

    [LoggerMessage(EventId = LogEvents.PodAutoscalerRemoved, Level = LogLevel.Information, Message = "{Revision}: PodAutoscaler deleted; its autoscaler is removed")]
    private partial void LogRemoved(string revision);
}
