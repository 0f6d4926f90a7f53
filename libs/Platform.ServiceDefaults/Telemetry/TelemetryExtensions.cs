using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Platform.ServiceDefaults.Telemetry;

/// <summary>
/// Metrics and traces of every service, with the OpenTelemetry SDK: Prometheus text on a separate metrics port
/// (<see cref="TelemetryOptions.MetricsPort"/>), spans exported over OTLP when the standard <c>OTEL_*</c> variables ask.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>
    /// Prefix of every Platform meter and activity source (<c>Platform.Activator</c>, <c>Platform.Broker</c> ...):
    /// each service names its own, and this wiring listens to all of them.
    /// </summary>
    public const string SourcePrefix = "Platform.";

    /// <summary>The scrape path on the metrics port.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// Registers the meter provider (Platform's meters, Kestrel, the .NET runtime; Prometheus
    /// exporter with Knative's unsuffixed names) unless <see cref="TelemetryOptions.Metrics"/> is false, and the
    /// tracer provider (Platform's sources, ASP.NET Core server spans, HttpClient client spans, OTLP) when
    /// <see cref="TelemetryOptions.TracingEnabled"/>. The metrics port is added next to the app's own addresses.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        var options = TelemetryOptions.From(builder.Configuration);
        builder.Services.AddSingleton(options);
        var tracing = options.TracingEnabled(builder.Configuration);
        if (!options.Metrics && !tracing) return builder;

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : serviceName));
        if (options.Metrics)
        {
            otel.WithMetrics(m => m
                .AddMeter(SourcePrefix + "*")
                // Kestrel's connection figures and the runtime's; not ASP.NET Core's and HttpClient's per-request
                // histograms, which cost the activator more per request than its own two instruments together and
                // repeat what activator_request_latencies and the broker's dispatch latencies already say.
                .AddMeter("Microsoft.AspNetCore.Server.Kestrel", "System.Runtime")
                .AddPrometheusExporter(p =>
                {
                    // Knative's series names as they are (activator_request_count, not ..._total); histograms keep
                    // their _bucket/_sum/_count.
                    p.TranslationStrategy = PrometheusAspNetCoreTranslationStrategy.UnderscoreEscapingWithoutSuffixes;
                    p.ScrapeResponseCacheDurationMilliseconds = 0;
                }));
            if (options.MetricsPort > 0) builder.Services.AddTransient<IStartupFilter>(_ => new MetricsPortFilter(options));
        }
        if (tracing)
        {
            otel.WithTracing(t =>
            {
                t.AddSource(SourcePrefix + "*")
                    .AddAspNetCoreInstrumentation(a => a.Filter = c => !IsProbeOrScrape(c, options))
                    .AddHttpClientInstrumentation();
                if (TelemetryOptions.OtlpConfigured(builder.Configuration)) t.AddOtlpExporter();
            });
        }
        return builder;
    }

    /// <summary>
    /// Listens on the metrics port from code, for a service that configures its Kestrel endpoints itself (the
    /// activator): Kestrel then ignores the addresses the startup filter adds.
    /// </summary>
    public static void ListenMetrics(this KestrelServerOptions kestrel, TelemetryOptions options)
    {
        if (options.Metrics && options.MetricsPort > 0)
            kestrel.Listen(System.Net.IPAddress.Parse(options.MetricsAddress), options.MetricsPort, l => l.Protocols = HttpProtocols.Http1);
    }

    private static bool IsProbeOrScrape(HttpContext context, TelemetryOptions options) =>
        context.Connection.LocalPort == options.MetricsPort
        || context.Request.Path.StartsWithSegments("/healthz") || context.Request.Path.StartsWithSegments("/alive")
        || context.Request.Path.StartsWithSegments("/health");

    /// <summary>
    /// First in the pipeline: the metrics port answers <c>GET /metrics</c> and 404 to everything else, and never
    /// reaches the service's own middleware (the activator would take a scrape for a request to forward). Also adds
    /// the metrics address next to the app's own (<c>urls</c>), which are known by the time startup filters run.
    /// </summary>
    private sealed class MetricsPortFilter(TelemetryOptions options) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            var addresses = app.ServerFeatures.Get<IServerAddressesFeature>()?.Addresses;
            var url = $"http://{options.MetricsAddress}:{options.MetricsPort}";
            // Empty: the service listens from code (ListenMetrics) or on Kestrel's default; adding ours would replace that.
            if (addresses is { IsReadOnly: false, Count: > 0 } && !addresses.Contains(url)) addresses.Add(url);
            app.UseWhen(c => c.Connection.LocalPort == options.MetricsPort, metrics =>
            {
                metrics.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider: null, predicate: c => c.Request.Path == MetricsPath,
                    path: null, configureBranchedPipeline: null, optionsName: null);
                metrics.Run(c =>
                {
                    c.Response.StatusCode = StatusCodes.Status404NotFound;
                    return c.Response.WriteAsync($"the metrics port serves GET {MetricsPath} only\n");
                });
            });
            next(app);
        };
    }
}
