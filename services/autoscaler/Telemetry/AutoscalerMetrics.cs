using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Platform.Autoscaler.PodAutoscalers;
using Platform.Autoscaler.Revisions;
using Platform.Autoscaler.Scaling;
using Platform.ServiceDefaults.Telemetry;
using Platform.Serving.Contracts.Revisions;

namespace Platform.Autoscaler.Telemetry;

/// <summary>
/// The autoscaler's gauges, with Knative's autoscaler names and labels (<c>namespace_name</c>,
/// <c>configuration_name</c>, <c>revision_name</c>): <c>autoscaler_desired_pods</c> (the decision),
/// <c>autoscaler_requested_pods</c> (the scale written to the PodAutoscaler), <c>autoscaler_actual_pods</c> (ready
/// pods), <c>autoscaler_stable_request_concurrency</c>/<c>autoscaler_panic_request_concurrency</c> and
/// <c>autoscaler_target_concurrency_per_pod</c> for concurrency-scaled revisions,
/// <c>autoscaler_stable_requests_per_second</c>/<c>autoscaler_panic_requests_per_second</c>/
/// <c>autoscaler_target_requests_per_second</c> for rps-scaled ones, and <c>autoscaler_panic_mode</c> (1 or 0).
/// Each decision publishes the revision's status here; a collection reads the latest of the revisions whose
/// PodAutoscaler still exists, so a deleted revision's series end.
/// </summary>
// Public: the Dapr actor takes it in its constructor, and actors can only use public types.
public sealed class AutoscalerMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Platform.Autoscaler";

    private readonly Meter _meter;
    private readonly PodAutoscalerBoard _board;
    private readonly ConcurrentDictionary<RevisionKey, RevisionScaleStatus> _latest = new();

    /// <summary>Creates the gauges.</summary>
    internal AutoscalerMetrics(IMeterFactory meters, PodAutoscalerBoard board)
    {
        _board = board;
        _meter = meters.Create(MeterName);
        Gauge("autoscaler_desired_pods", "Pods the autoscaler wants for the revision.", s => s.DesiredScale);
        Gauge("autoscaler_requested_pods", "Pods requested: the desired scale written to the revision's PodAutoscaler.",
            s => PodAutoscalerBoard.DesiredScale(_board.Get(new RevisionKey(s.Namespace, s.Revision))));
        Gauge("autoscaler_actual_pods", "Ready pods of the revision.",
            s => PodAutoscalerBoard.ActualScale(_board.Get(new RevisionKey(s.Namespace, s.Revision))) ?? s.ReadyPods);
        Gauge("autoscaler_stable_request_concurrency", "Average concurrency over the stable window.", s => Of(s, ScalingMetric.Concurrency, s.StableAverage));
        Gauge("autoscaler_panic_request_concurrency", "Average concurrency over the panic window.", s => Of(s, ScalingMetric.Concurrency, s.PanicAverage));
        Gauge("autoscaler_target_concurrency_per_pod", "Concurrency the autoscaler aims at per pod.", s => Of(s, ScalingMetric.Concurrency, s.TargetValue));
        Gauge("autoscaler_stable_requests_per_second", "Average requests per second over the stable window.", s => Of(s, ScalingMetric.Rps, s.StableAverage));
        Gauge("autoscaler_panic_requests_per_second", "Average requests per second over the panic window.", s => Of(s, ScalingMetric.Rps, s.PanicAverage));
        Gauge("autoscaler_target_requests_per_second", "Requests per second the autoscaler aims at per pod.", s => Of(s, ScalingMetric.Rps, s.TargetValue));
        Gauge("autoscaler_panic_mode", "1 while the revision's autoscaler is in panic mode, else 0.", s => s.InPanic ? 1 : 0);
    }

    /// <summary>Keeps <paramref name="status"/> as the revision's latest.</summary>
    public void Publish(RevisionScaleStatus? status)
    {
        if (status is not null) _latest[new RevisionKey(status.Namespace, status.Revision)] = status;
    }

    private static double? Of(RevisionScaleStatus s, ScalingMetric metric, double value) => s.Metric == metric ? value : null;

    private void Gauge(string name, string description, Func<RevisionScaleStatus, double?> value) =>
        _meter.CreateObservableGauge(name, () => Read(value), description: description);

    private IEnumerable<Measurement<double>> Read(Func<RevisionScaleStatus, double?> value)
    {
        foreach (var (key, status) in _latest)
        {
            var pa = _board.Get(key);
            if (pa is null)
            {
                _latest.TryRemove(key, out _);
                continue;
            }
            if (value(status) is not double v) continue;
            var configuration = pa["metadata"]?["labels"]?["serving.knative.dev/configuration"]?.GetValue<string>() ?? "";
            yield return new Measurement<double>(v, new TagList
            {
                { MetricTags.Namespace, key.Namespace },
                { "configuration_name", configuration },
                { "revision_name", key.Name },
            });
        }
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
