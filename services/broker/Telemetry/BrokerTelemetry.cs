using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using CloudNative.CloudEvents;
using Platform.Broker.Delivery;
using Platform.ServiceDefaults.Telemetry;

namespace Platform.Broker.Telemetry;

/// <summary>
/// The broker's spans and instruments, called at a few separable points (ingress, fan-out, delivery, each attempt).
/// Metrics use Knative's multi-tenant broker names: <c>mt_broker_ingress_event_count</c> and
/// <c>mt_broker_ingress_event_dispatch_latencies</c> (per broker, <c>event_type</c>, <c>response_code</c>),
/// <c>mt_broker_filter_event_count</c> and <c>mt_broker_filter_event_dispatch_latencies</c> (per trigger, the
/// subscriber's last <c>response_code</c>); and Platform's <c>broker_delivery_outcomes</c> (delivered, dead_lettered,
/// dropped, redelivery) and <c>broker_delivery_retries</c> per trigger or subscription, which <c>platform status</c>
/// reads. Spans: one trace per event from the ingress request; the event's <c>traceparent</c> extension carries it
/// across every pub/sub hop (as Dapr's envelope does), and fan-out, delivery, each attempt and the dead-letter send
/// are spans of it. With no listener a span costs a flag check and nothing is parsed.
/// </summary>
internal sealed class BrokerTelemetry : IDisposable
{
    /// <summary>Name of the meter and of the activity source.</summary>
    public const string Name = "Platform.Broker";

    /// <summary>The CloudEvents distributed-tracing extension attribute.</summary>
    public const string TraceParentAttribute = "traceparent";

    private static readonly ActivitySource Source = new(Name);
    private readonly Meter _meter;
    private readonly Counter<long> _ingressCount;
    private readonly Histogram<double> _ingressLatency;
    private readonly Counter<long> _filterCount;
    private readonly Histogram<double> _filterLatency;
    private readonly Counter<long> _outcomes;
    private readonly Counter<long> _retries;
    private readonly ConcurrentDictionary<string, KeyValuePair<string, object?>[]> _labels = new(StringComparer.Ordinal);

    /// <summary>Creates the instruments.</summary>
    public BrokerTelemetry(IMeterFactory meters)
    {
        _meter = meters.Create(Name);
        _ingressCount = _meter.CreateCounter<long>("mt_broker_ingress_event_count", description: "Events received by a broker's ingress, per response code.");
        _ingressLatency = _meter.CreateHistogram<double>("mt_broker_ingress_event_dispatch_latencies", description: "Milliseconds from an event's arrival at ingress to its answer (publish included).");
        _filterCount = _meter.CreateCounter<long>("mt_broker_filter_event_count", description: "Events dispatched to a trigger's subscriber, per last response code.");
        _filterLatency = _meter.CreateHistogram<double>("mt_broker_filter_event_dispatch_latencies", description: "Milliseconds to dispatch an event to a subscriber, retries included.");
        _outcomes = _meter.CreateCounter<long>("broker_delivery_outcomes", description: "How deliveries ended, per trigger or subscription: delivered, dead_lettered, dropped, redelivery.");
        _retries = _meter.CreateCounter<long>("broker_delivery_retries", description: "Attempts after the first, per trigger or subscription.");
    }

    /// <summary>Records an ingress answer.</summary>
    public void Ingress(string ns, string broker, string? eventType, int status, TimeSpan elapsed)
    {
        if (!_ingressCount.Enabled) return;
        var tags = new TagList
        {
            { MetricTags.Namespace, ns },
            { "broker_name", broker },
            { "event_type", eventType ?? "" },
            { MetricTags.ResponseCode, MetricTags.Code(status) },
            { MetricTags.ResponseCodeClass, MetricTags.CodeClass(status) },
        };
        _ingressCount.Add(1, tags);
        _ingressLatency.Record(elapsed.TotalMilliseconds, tags);
    }

    /// <summary>Records how a delivery of <paramref name="resource"/> (<c>Trigger ns/name</c>) ended.</summary>
    public void Delivered(string resource, DispatchResult result, TimeSpan elapsed)
    {
        if (!_outcomes.Enabled) return;
        var labels = Labels(resource);
        var code = result.LastStatus ?? 0;
        var tags = new TagList(labels.AsSpan()) { { MetricTags.ResponseCode, MetricTags.Code(code) }, { MetricTags.ResponseCodeClass, MetricTags.CodeClass(code) } };
        _filterCount.Add(1, tags);
        _filterLatency.Record(elapsed.TotalMilliseconds, tags);
        _outcomes.Add(1, new TagList(labels.AsSpan()) { { "outcome", OutcomeOf(result.Status) } });
        if (result.Attempts > 1) _retries.Add(result.Attempts - 1, new TagList(labels.AsSpan()));
    }

    /// <summary>Records a delivery handed back for redelivery before any dispatch result (a failed reply).</summary>
    public void Redelivery(string resource)
    {
        if (_outcomes.Enabled) _outcomes.Add(1, new TagList(Labels(resource).AsSpan()) { { "outcome", "redelivery" } });
    }

    private static string OutcomeOf(DispatchStatus status) => status switch
    {
        DispatchStatus.Delivered => "delivered",
        DispatchStatus.DeadLettered => "dead_lettered",
        DispatchStatus.Dropped => "dropped",
        _ => "redelivery",
    };

    // "Trigger default/display" → namespace_name=default, kind=Trigger, trigger_name=display (Knative's label for
    // triggers; subscriptions get subscription_name). Parsed once per resource.
    private KeyValuePair<string, object?>[] Labels(string resource) => _labels.GetOrAdd(resource, static r =>
    {
        var space = r.IndexOf(' ');
        var kind = space > 0 ? r[..space] : "Trigger";
        var rest = space > 0 ? r[(space + 1)..] : r;
        var slash = rest.IndexOf('/');
        var (ns, name) = slash > 0 ? (rest[..slash], rest[(slash + 1)..]) : ("", rest);
        var label = kind == "Trigger" ? "trigger_name" : "subscription_name";
        return [new(MetricTags.Namespace, ns), new("kind", kind), new(label, name)];
    });

    /// <summary>
    /// Stamps the ingress span's context into the event's <c>traceparent</c> extension, so every later hop (pub/sub,
    /// fan-out, delivery) joins the same trace. Without a span (tracing off) the request's own <c>traceparent</c>
    /// header is carried over when the event has none; an event's own valid extension is kept then.
    /// </summary>
    public static void StampIngress(CloudEvent cloudEvent, string? requestTraceParent)
    {
        if (Activity.Current is { } span)
        {
            cloudEvent[TraceParentAttribute] = span.Id;
            return;
        }
        if (cloudEvent[TraceParentAttribute] is null && requestTraceParent is { Length: > 0 }
            && ActivityContext.TryParse(requestTraceParent, null, out _))
            cloudEvent[TraceParentAttribute] = requestTraceParent;
    }

    /// <summary>A span for a hop that reads an event from a topic (fan-out, delivery), parented by the event's extension; null when nobody listens.</summary>
    public static Activity? StartHop(string name, CloudEvent cloudEvent, string resource)
    {
        if (!Source.HasListeners()) return null;
        var parent = cloudEvent[TraceParentAttribute] is string tp && ActivityContext.TryParse(tp, null, out var context) ? context : default;
        var span = Source.StartActivity(name, ActivityKind.Consumer, parent);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("messaging.message.id", cloudEvent.Id);
            span.SetTag("cloudevents.event_type", cloudEvent.Type);
            span.SetTag("platform.resource", resource);
        }
        return span;
    }

    /// <summary>A client span for one HTTP attempt (to the subscriber, or the dead-letter sink); null when nobody listens.</summary>
    public static Activity? StartAttempt(string name, Uri destination, int attempt)
    {
        if (!Source.HasListeners()) return null;
        var span = Source.StartActivity(name, ActivityKind.Client);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("url.full", destination.GetLeftPart(UriPartial.Path));
            span.SetTag("http.request.resend_count", attempt - 1);
        }
        return span;
    }

    /// <summary>Ends an attempt span with its outcome.</summary>
    public static void EndAttempt(Activity? span, int? status, string? error)
    {
        if (span is null) return;
        if (status is int s) span.SetTag("http.response.status_code", s);
        if (status is null or < 200 or > 299) span.SetStatus(ActivityStatusCode.Error, error ?? (status is int c ? MetricTags.Code(c) : null));
        span.Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
