using System.Diagnostics;
using System.Net;
using Platform.Broker.Resources;
using Platform.Broker.Tests.Infrastructure;
using Platform.CloudEvents;
using Platform.Testing;
using Platform.Testing.Telemetry;
using SpanKind = Platform.Testing.Telemetry.Otlp.Span.Types.SpanKind;

namespace Platform.Broker.Tests.EndToEnd;

/// <summary>
/// One event is one connected trace across ingress, the Dapr pub/sub hops, fan-out, delivery, each retry and the
/// dead-letter send (received over OTLP by an in-process receiver); the broker's metrics port counts it per trigger.
/// </summary>
[Collection(EventingCollection.Name)]
public sealed class TelemetryTests(EventingTopology topology)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [SkippableFact]
    public async Task An_event_is_one_connected_trace_with_a_span_per_hop_and_attempt_and_is_counted_per_trigger()
    {
        topology.SkipIfUnavailable();
        const string ns = "e2e-telemetry";
        await using var flaky = await EventSink.StartAsync((_, call, context) =>
        {
            context.Response.StatusCode = call == 1 ? 500 : 200;
            return Task.CompletedTask;
        });
        await using var failing = await EventSink.StartAsync((_, _, context) =>
        {
            context.Response.StatusCode = 500;
            return Task.CompletedTask;
        });
        await using var deadLetters = await EventSink.StartAsync();
        await topology.CreateAsync($"apiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata: {{name: default, namespace: {ns}}}\n");
        var broker = new Uri((await topology.WaitReadyAsync(EventingKinds.Broker, ns, "default"))["status"]!["address"]!["url"]!.GetValue<string>());
        await topology.CreateAsync($"apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: {{name: flaky, namespace: {ns}}}\nspec:\n  broker: default\n  subscriber: {{uri: '{flaky.Url}'}}\n  delivery: {{retry: 2, backoffPolicy: linear, backoffDelay: PT0.05S}}\n");
        await topology.CreateAsync($"apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: {{name: doomed, namespace: {ns}}}\nspec:\n  broker: default\n  subscriber: {{uri: '{failing.Url}'}}\n  delivery: {{retry: 1, backoffPolicy: linear, backoffDelay: PT0.05S, deadLetterSink: {{uri: '{deadLetters.Url}'}}}}\n");
        await topology.WaitReadyAsync(EventingKinds.Trigger, ns, "flaky");
        await topology.WaitReadyAsync(EventingKinds.Trigger, ns, "doomed");

        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var callerSpan = ActivitySpanId.CreateRandom().ToHexString();
        using (var content = CloudEventHttp.ToHttpContent(EventingTopology.Event("telemetry.test"), CloudNative.CloudEvents.ContentMode.Binary))
        using (var request = new HttpRequestMessage(HttpMethod.Post, broker) { Content = content })
        {
            request.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId}-{callerSpan}-01");
            using var response = await _http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
        var delivered = (await flaky.WaitForAsync(2, Wait)).Last();
        var dead = (await deadLetters.WaitForAsync(1, Wait)).Single();
        // The subscriber and the dead-letter sink get the trace's context, from the attempt's span.
        Assert.Contains(traceId, delivered.Headers["traceparent"]);
        Assert.Contains(traceId, dead.Headers["traceparent"]);

        // ingress (server) → fan-out → deliver ×2 → attempts: flaky 500 then 200; doomed 500 ×2 then the dead letter.
        await Condition.UntilAsync(() => topology.Traces.Trace(traceId).Count >= 9, Wait, "the event's spans");
        var trace = topology.Traces.Trace(traceId);
        var described = OtlpTraceReceiver.Describe(trace);
        Assert.True(OtlpTraceReceiver.Connected(trace), described);
        var ingress = trace.Single(s => s.Kind == SpanKind.Server);
        Assert.Equal(callerSpan, ingress.ParentSpanId);
        Assert.Single(trace, s => s.Name == "fan-out" && s.ParentSpanId == ingress.SpanId);
        var deliveries = trace.Where(s => s.Name == "deliver").ToList();
        Assert.Equal(2, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal(ingress.SpanId, d.ParentSpanId));
        var flakyDelivery = deliveries.Single(d => d.Attributes.GetValueOrDefault("platform.resource") == $"Trigger {ns}/flaky");
        var doomedDelivery = deliveries.Single(d => d.Attributes.GetValueOrDefault("platform.resource") == $"Trigger {ns}/doomed");
        var flakyAttempts = trace.Where(s => s.Name == "deliver attempt" && s.ParentSpanId == flakyDelivery.SpanId).ToList();
        Assert.Equal([true, false], flakyAttempts.OrderBy(a => a.Attributes["http.request.resend_count"]).Select(a => a.Error));
        Assert.Equal(2, trace.Count(s => s.Name == "deliver attempt" && s.ParentSpanId == doomedDelivery.SpanId && s.Error));
        Assert.Single(trace, s => s.Name == "dead-letter attempt" && s.ParentSpanId == doomedDelivery.SpanId && !s.Error);
        Assert.Equal("DeadLettered", doomedDelivery.Attributes.GetValueOrDefault("platform.delivery.outcome"));

        // A malformed traceparent: accepted, and the event starts a trace of its own.
        var beforeIngress = topology.Traces.Spans.Count(s => s.Kind == SpanKind.Server);
        using (var content = CloudEventHttp.ToHttpContent(EventingTopology.Event("telemetry.test"), CloudNative.CloudEvents.ContentMode.Binary))
        using (var request = new HttpRequestMessage(HttpMethod.Post, broker) { Content = content })
        {
            request.Headers.TryAddWithoutValidation("traceparent", "00-zz-not-a-trace-01");
            using var response = await _http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
        await flaky.WaitForAsync(3, Wait);
        Assert.DoesNotContain(traceId, flaky.Received.Last().Headers["traceparent"]);
        var fresh = flaky.Received.Last().Headers["traceparent"];
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(fresh, "^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"), fresh);

        // Counted on the metrics port, with Knative's names and labels.
        string metrics = "";
        await Condition.UntilAsync(async () =>
        {
            metrics = await _http.GetStringAsync($"http://127.0.0.1:{topology.MetricsPort}/metrics");
            return Series(metrics, "broker_delivery_outcomes", $"namespace_name=\"{ns}\"", "trigger_name=\"doomed\"", "outcome=\"dead_lettered\"") is >= 1;
        }, Wait, "broker_delivery_outcomes of the dead-lettered event");
        Assert.True(Series(metrics, "mt_broker_ingress_event_count", $"namespace_name=\"{ns}\"", "broker_name=\"default\"", "event_type=\"telemetry.test\"", "response_code=\"202\"", "response_code_class=\"2xx\"") >= 2, metrics);
        Assert.True(Series(metrics, "mt_broker_filter_event_count", "trigger_name=\"flaky\"", "response_code=\"200\"") >= 1, metrics);
        Assert.True(Series(metrics, "mt_broker_filter_event_dispatch_latencies_count", "trigger_name=\"flaky\"") >= 1, metrics);
        Assert.True(Series(metrics, "broker_delivery_outcomes", "trigger_name=\"flaky\"", "outcome=\"delivered\"") >= 2, metrics);
        Assert.True(Series(metrics, "broker_delivery_retries", "trigger_name=\"flaky\"") >= 1, metrics);
        Assert.True(Series(metrics, "broker_delivery_retries", "trigger_name=\"doomed\"") >= 1, metrics);
    }

    /// <summary>The value of the first series of <paramref name="name"/> with every label, or null.</summary>
    internal static double? Series(string text, string name, params string[] labels) =>
        text.Split('\n').Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) && labels.All(label => l.Contains(label, StringComparison.Ordinal)))
            .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .Cast<double?>().FirstOrDefault();
}
