using System.Diagnostics;
using System.Net;
using Platform.Testing;
using Platform.Testing.Serving;
using Platform.Testing.Telemetry;

namespace Platform.Serving.EndToEnd.Tests;

/// <summary>The Serving stack with every service exporting spans to an in-process OTLP receiver and serving metrics.</summary>
public sealed class TelemetryServingStack : IAsyncLifetime
{
    /// <summary>Where the services' OTLP exporters send.</summary>
    public OtlpTraceReceiver Receiver { get; private set; } = null!;

    /// <summary>The stack.</summary>
    public ServingStack Stack { get; private set; } = null!;

    private Task? _service;

    /// <summary>Creates the service <c>tele</c> (helloworld) once for the tests of the class.</summary>
    public Task ServiceAsync(TimeSpan timeout) => _service ??= CreateAsync(timeout);

    private async Task CreateAsync(TimeSpan timeout)
    {
        var create = await Stack.CliAsync(timeout, "service", "create", "tele", "--cmd", "dotnet", "--arg", Stack.HelloWorld, "--wait-timeout", "60");
        Assert.True(create.ExitCode == 0, create.Output);
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Receiver = await OtlpTraceReceiver.StartAsync();
        Stack = new ServingStack { Options = new ServingStackOptions { Environment = new Dictionary<string, string>(Receiver.ExporterEnvironment) } };
        await Stack.InitializeAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (Stack is not null) await Stack.DisposeAsync();
        if (Receiver is not null) await Receiver.DisposeAsync();
    }
}

/// <summary>
/// Prometheus metrics on each service's metrics port after traffic, and one connected trace per request, received
/// over OTLP/HTTP by an in-process receiver from the real processes started by <c>platform up</c>.
/// </summary>
public sealed class TelemetryTests(TelemetryServingStack fixture) : IClassFixture<TelemetryServingStack>
{
    private static readonly TimeSpan Cli = TimeSpan.FromSeconds(90);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private ServingStack Stack => fixture.Stack;

    private Task EnsureServiceAsync() => fixture.ServiceAsync(Cli);

    private async Task<HttpResponseMessage> GetAsync(string? traceParent = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{Stack.ActivatorPort}/") { Headers = { Host = "tele.default.localhost" } };
        if (traceParent is not null) request.Headers.TryAddWithoutValidation("traceparent", traceParent);
        return await _http.SendAsync(request);
    }

    private async Task<string> ScrapeAsync(int port)
    {
        using var response = await _http.GetAsync($"http://127.0.0.1:{port}/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static bool HasSeries(string text, string name, params string[] labels) =>
        text.Split('\n').Any(l => l.StartsWith(name + "{", StringComparison.Ordinal) && labels.All(label => l.Contains(label, StringComparison.Ordinal)));

    [SkippableFact]
    public async Task After_traffic_each_metrics_port_serves_knative_series_with_revision_labels_and_runtime_metrics()
    {
        Stack.SkipIfUnavailable();
        await EnsureServiceAsync();
        for (var i = 0; i < 5; i++)
        {
            using var response = await GetAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var activator = await ScrapeAsync(Stack.ActivatorMetricsPort);
        Assert.True(HasSeries(activator, "activator_request_count", "namespace_name=\"default\"", "service_name=\"tele\"", "configuration_name=\"tele\"",
            "revision_name=\"tele-00001\"", "response_code=\"200\"", "response_code_class=\"2xx\""), activator);
        Assert.True(HasSeries(activator, "activator_request_latencies_bucket", "revision_name=\"tele-00001\""), activator);
        Assert.True(HasSeries(activator, "kestrel_active_connections"), "Kestrel metrics:\n" + activator);
        Assert.Contains("dotnet_gc_collections", activator);

        // The autoscaler's gauges follow its decisions (every tick), the controller counts its reconciles.
        await Condition.UntilAsync(async () => HasSeries(await ScrapeAsync(Stack.AutoscalerMetricsPort), "autoscaler_desired_pods", "revision_name=\"tele-00001\"", "configuration_name=\"tele\""),
            TimeSpan.FromSeconds(20), "autoscaler_desired_pods for tele-00001");
        var autoscaler = await ScrapeAsync(Stack.AutoscalerMetricsPort);
        Assert.True(HasSeries(autoscaler, "autoscaler_actual_pods", "revision_name=\"tele-00001\""), autoscaler);
        Assert.True(HasSeries(autoscaler, "autoscaler_stable_request_concurrency", "revision_name=\"tele-00001\""), autoscaler);
        Assert.True(HasSeries(autoscaler, "autoscaler_panic_mode", "revision_name=\"tele-00001\""), autoscaler);
        var controller = await ScrapeAsync(Stack.ControllerMetricsPort);
        Assert.True(HasSeries(controller, "controller_reconcile_count", "reconciler=\"Revision\"", "success=\"true\"", "namespace_name=\"default\""), controller);
        Assert.True(HasSeries(controller, "controller_reconcile_latency_bucket", "reconciler=\"Service\""), controller);

        // `platform status` reads the same ports: the revision's row (desired, actual, concurrency, rps).
        var status = await Stack.CliAsync(Cli, "status", "-f", Stack.RunFile);
        Assert.True(status.ExitCode == 0, status.Output);
        Assert.Contains("DESIRED", status.Output);
        Assert.Contains(status.Output.Split('\n'), l => l.Contains("tele-00001", StringComparison.Ordinal) && l.Contains("default", StringComparison.Ordinal));

        // The metrics port serves /metrics only; the ingress never serves metrics.
        using (var other = await _http.GetAsync($"http://127.0.0.1:{Stack.ActivatorMetricsPort}/healthz")) Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        var ingress = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{Stack.ActivatorPort}/metrics");
        using (var onIngress = await _http.SendAsync(ingress)) Assert.DoesNotContain("activator_request_count", await onIngress.Content.ReadAsStringAsync());
    }

    [SkippableFact]
    public async Task A_request_through_the_activator_is_one_connected_trace_and_a_malformed_traceparent_starts_a_new_one()
    {
        Stack.SkipIfUnavailable();
        await EnsureServiceAsync();
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var callerSpan = ActivitySpanId.CreateRandom().ToHexString();
        using (var response = await GetAsync($"00-{traceId}-{callerSpan}-01")) Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // The activator's server span (child of the caller's) and its client span to the revision's replica.
        await Condition.UntilAsync(() => fixture.Receiver.Trace(traceId).Any(s => s.Kind == Platform.Testing.Telemetry.Otlp.Span.Types.SpanKind.Client),
            TimeSpan.FromSeconds(20), "the activator's spans of the request");
        var trace = fixture.Receiver.Trace(traceId);
        var server = trace.Single(s => s.Service == "activator" && s.Kind == Platform.Testing.Telemetry.Otlp.Span.Types.SpanKind.Server);
        Assert.Equal(callerSpan, server.ParentSpanId);
        Assert.Equal("tele-00001", server.Attributes.GetValueOrDefault("kn.revision.name"));
        var client = trace.Single(s => s.Kind == Platform.Testing.Telemetry.Otlp.Span.Types.SpanKind.Client);
        Assert.Equal(server.SpanId, client.ParentSpanId);
        Assert.True(OtlpTraceReceiver.Connected(trace), OtlpTraceReceiver.Describe(trace));

        // Malformed: answered normally, and the activator's span starts a trace of its own.
        var before = fixture.Receiver.Spans.Count(s => s.Service == "activator" && s.Kind == Platform.Testing.Telemetry.Otlp.Span.Types.SpanKind.Server);
        using (var response = await GetAsync("00-not-a-trace-context-zz"))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Condition.UntilAsync(() => fixture.Receiver.Spans.Count(s => s.Service == "activator" && s.Kind == Platform.Testing.Telemetry.Otlp.Span.Types.SpanKind.Server) > before,
            TimeSpan.FromSeconds(20), "the span of the request with a malformed traceparent");
        var fresh = fixture.Receiver.Spans.Where(s => s.Service == "activator" && s.Kind == Platform.Testing.Telemetry.Otlp.Span.Types.SpanKind.Server).Last();
        Assert.Equal("", fresh.ParentSpanId);
        Assert.NotEqual(traceId, fresh.TraceId);
    }
}
