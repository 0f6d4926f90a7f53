using System.Diagnostics;
using System.Diagnostics.Metrics;
using Platform.Activator.Routing;
using Platform.Activator.Throttling;
using Platform.ServiceDefaults.Telemetry;

namespace Platform.Activator.Telemetry;

/// <summary>
/// The activator's instruments, with Knative's activator names and labels: <c>activator_request_count</c> and
/// <c>activator_request_latencies</c> (milliseconds) per revision with <c>namespace_name</c>, <c>service_name</c>,
/// <c>configuration_name</c>, <c>revision_name</c>, <c>response_code</c>, <c>response_code_class</c>, and the gauge
/// <c>activator_request_concurrency</c> (requests in flight or held at the activator). Nothing is recorded while no
/// meter provider listens (telemetry off), so a request then pays one flag check.
/// </summary>
internal sealed class ActivatorMetrics : IDisposable
{
    /// <summary>The meter's name (a <c>Platform.*</c> meter, which the service defaults listen to).</summary>
    public const string MeterName = "Platform.Activator";

    private readonly Meter _meter;
    private readonly Counter<long> _count;
    private readonly Histogram<double> _latency;

    /// <summary>Creates the instruments; the gauge reads <paramref name="throttlers"/> at each collection.</summary>
    public ActivatorMetrics(IMeterFactory meters, RevisionThrottlers throttlers)
    {
        _meter = meters.Create(MeterName);
        _count = _meter.CreateCounter<long>("activator_request_count", description: "Requests routed through the activator, per revision and response code.");
        _latency = _meter.CreateHistogram<double>("activator_request_latencies", description: "Response time in milliseconds of requests routed through the activator.");
        _meter.CreateObservableGauge("activator_request_concurrency", () => Concurrency(throttlers),
            description: "Requests in flight or held at the activator, per revision.");
    }

    /// <summary>Records one routed request that ended with <paramref name="status"/> after <paramref name="elapsed"/>.</summary>
    public void Record(RoutedService service, RevisionThrottler revision, int status, TimeSpan elapsed)
    {
        if (!_count.Enabled && !_latency.Enabled) return;
        var tags = new TagList
        {
            { MetricTags.Namespace, revision.Namespace },
            { "service_name", service.Name },
            { "configuration_name", revision.Configuration ?? "" },
            { "revision_name", revision.Name },
            { MetricTags.ResponseCode, MetricTags.Code(status) },
            { MetricTags.ResponseCodeClass, MetricTags.CodeClass(status) },
        };
        _count.Add(1, tags);
        _latency.Record(elapsed.TotalMilliseconds, tags);
    }

    private static IEnumerable<Measurement<int>> Concurrency(RevisionThrottlers throttlers)
    {
        foreach (var t in throttlers.All)
        {
            var state = t.State;
            yield return new Measurement<int>(state.InFlight + state.Queued, new TagList
            {
                { MetricTags.Namespace, t.Namespace },
                { "configuration_name", t.Configuration ?? "" },
                { "revision_name", t.Name },
            });
        }
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
