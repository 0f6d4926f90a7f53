using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Platform.ControlPlane.Informers;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.Resources.Autoscaling;
using Platform.Serving.Contracts.Revisions;
using Platform.ServingController.Hosting;
using Platform.ServingController.Reconcilers;
using Platform.Workloads;
using Platform.Workloads.Local;

namespace Platform.ServingController.Supervisor.Hpa;

/// <summary>
/// The HPA class locally (<c>autoscaling.knative.dev/class: hpa.autoscaling.knative.dev</c>), doing what Kubernetes'
/// HPA does in a cluster: every sync period it measures each ready replica's CPU (utilization of the container's CPU
/// request) or resident memory (MiB) from its process, decides with <see cref="HpaDecider"/> and writes the decision
/// into the PodAutoscaler's <c>status.desiredScale</c>, which the workload supervisor applies like any other. The KPA
/// autoscaler leaves these PodAutoscalers alone, so nothing ever falls back to concurrency.
/// </summary>
internal sealed partial class LocalHpa(
    IResourceStore store,
    IWorkloadBackend backend,
    IOptions<HpaOptions> options,
    IOptions<ServingWiringOptions> wiring,
    TimeProvider time,
    ILogger<LocalHpa> log) : BackgroundService
{
    private readonly ResourceInformer _autoscalers = new(store, ResourceKinds.PodAutoscaler, null, log, time);
    private readonly Dictionary<RevisionKey, HpaSamples> _samples = [];

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Only where this process runs the replicas; in a cluster KEDA's cpu/memory triggers drive the HPA.
        if (!wiring.Value.Supervise || backend is not LocalWorkloadBackend local) return;
        var follow = _autoscalers.RunAsync(OnPodAutoscalerAsync, stoppingToken);
        using var timer = new PeriodicTimer(options.Value.SyncPeriod, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var pa in _autoscalers.List().Where(IsHpa))
                {
                    try
                    {
                        await EvaluateAsync(local, pa, stoppingToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        LogFailed(ex, KeyOf(pa).ToString());
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await follow;
    }

    private static bool IsHpa(JsonObject pa) => AutoscalingSettings.FromAnnotations(pa.Annotations()).IsHpaClass;

    private static RevisionKey KeyOf(JsonObject pa) => new(pa.Namespace() ?? "default", pa.Name() ?? "");

    // A new HPA-class PodAutoscaler starts at its initial scale at once (the KPA's first decision does that otherwise).
    private async Task OnPodAutoscalerAsync(ResourceEvent e, CancellationToken ct)
    {
        var key = KeyOf(e.Object);
        if (e.Type == WatchEventType.Deleted || !IsHpa(e.Object))
        {
            _samples.Remove(key);
            return;
        }
        if (WorkloadSupervisor.DesiredScale(e.Object) is not null) return;
        var settings = AutoscalingSettings.FromAnnotations(e.Object.Annotations());
        var initial = Math.Max(Math.Max(settings.InitialScale ?? 1, settings.MinScale ?? 0), 1);
        if (settings.MaxScale is > 0 and var max) initial = Math.Min(initial, max);
        await WriteAsync(key, initial, ct);
    }

    private async Task EvaluateAsync(LocalWorkloadBackend local, JsonObject pa, CancellationToken ct)
    {
        var key = KeyOf(pa);
        var settings = AutoscalingSettings.FromAnnotations(pa.Annotations());
        var metric = settings.Metric ?? HpaSpec.Cpu;
        var target = settings.Target ?? (metric == HpaSpec.Cpu ? HpaSpec.DefaultCpuTarget : 0);
        double? cpuRequest = null;
        if (metric == HpaSpec.Cpu)
        {
            var revision = await store.GetAsync(ResourceKinds.Revision, key.Namespace, key.Name, ct);
            cpuRequest = revision is null ? null : RevisionWorkloadBuilder.Build(ServingObjects.Read<ServingRevision>(revision)).Workload?.CpuRequestCores;
            if (cpuRequest is null)
            {
                // Admission refuses this; an object stored before (or in a cluster) says so here rather than scaling on a guess.
                LogUnmeasurable(key.ToString(), "its container has no resources.requests.cpu to measure utilization against");
                return;
            }
        }
        else if (target <= 0)
        {
            LogUnmeasurable(key.ToString(), "metric memory needs autoscaling.knative.dev/target (MiB per replica)");
            return;
        }

        var now = time.GetUtcNow();
        if (!_samples.TryGetValue(key, out var samples)) _samples[key] = samples = new HpaSamples();
        var average = samples.Measure(local.Usage(key), metric, cpuRequest, now);
        if (average is not { } value) return; // first sight of these replicas: a rate needs two samples

        var spec = new HpaSpec(metric, target, settings.MinScale ?? 1, settings.MaxScale ?? 0);
        var recommended = HpaDecider.Recommend(samples.Ready, value, spec);
        samples.Recommendations.Add((now, recommended));
        samples.Recommendations.RemoveAll(r => now - r.At > options.Value.ScaleDownStabilization);
        var desired = HpaDecider.Stabilize(samples.Recommendations, now, options.Value.ScaleDownStabilization);
        if (desired != WorkloadSupervisor.DesiredScale(pa))
        {
            LogDecision(key.ToString(), metric, value, target, desired);
            await WriteAsync(key, desired, ct);
        }
    }

    private async Task WriteAsync(RevisionKey key, int desired, CancellationToken ct)
    {
        try
        {
            await store.PatchAsync(ResourceKinds.PodAutoscaler, key.Namespace, key.Name,
                new JsonObject { ["status"] = new JsonObject { ["desiredScale"] = desired } }, status: true, ct);
        }
        catch (ResourceException e) when (e.Reason == StatusReason.NotFound)
        {
            // Deleted meanwhile.
        }
    }

    [LoggerMessage(EventId = 2410, Level = LogLevel.Information, Message = "{Revision} (HPA class): {Metric} at {Value:0.#} against a target of {Target:0.#}: {Desired} replica(s)")]
    private partial void LogDecision(string revision, string metric, double value, double target, int desired);

    [LoggerMessage(EventId = 2411, Level = LogLevel.Warning, Message = "{Revision} (HPA class) cannot be measured: {Reason}; its scale stays as it is")]
    private partial void LogUnmeasurable(string revision, string reason);

    [LoggerMessage(EventId = 2412, Level = LogLevel.Warning, Message = "{Revision} (HPA class): measuring or deciding failed; tried again at the next sync")]
    private partial void LogFailed(Exception ex, string revision);
}
