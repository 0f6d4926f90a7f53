using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.ServiceDefaults.Telemetry;

namespace Platform.ServiceDefaults;

/// <summary>
/// The start of every Platform service's <c>Program.cs</c>: health checks, problem details, the Dapr client and
/// single-line console logs that name the service; metrics (Prometheus on <c>Telemetry:MetricsPort</c>) and traces (OTLP).
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Tag of health checks that decide readiness (<c>/healthz</c>); liveness (<c>/alive</c>) runs none.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Adds health checks, problem details, the Dapr client (which reads <c>DAPR_HTTP_PORT</c>,
    /// <c>DAPR_GRPC_PORT</c> and <c>DAPR_API_TOKEN</c> like every Dapr SDK) and console logging.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        // Quiet defaults for per-request framework logs (four HttpClient lines per delivery cost real CPU on the data
        // plane); inserted first so that appsettings, environment variables and --Logging:... still override them.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
                ["Logging:LogLevel:Grpc"] = "Warning",
            },
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [ReadyTag]);
        builder.Services.AddDaprClient();
        builder.AddPlatformTelemetry(builder.AppId(builder.Environment.ApplicationName));
        return builder;
    }

    /// <summary>
    /// Maps <c>/healthz</c> (readiness, what the local runner and Kubernetes probe), <c>/health</c> (same) and
    /// <c>/alive</c> (liveness), and gives every 4xx/5xx the app itself answers without a body (no route, wrong
    /// method, unsupported media type) an RFC 9457 problem+json body naming the status. Called after a service's own
    /// middleware, so responses a proxy forwards (the activator's replicas) pass untouched. Errors Kestrel answers
    /// before the app sees the request (a malformed request line) stay bodiless.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseStatusCodePages();
        var ready = new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) };
        app.MapHealthChecks("/healthz", ready);
        app.MapHealthChecks("/health", ready);
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = _ => false });
        return app;
    }

    /// <summary>The Dapr app-id of this process, as the Dapr CLI and the local runner set it.</summary>
    public static string AppId(this IHostApplicationBuilder builder, string fallback) =>
        builder.Configuration["APP_ID"] is { Length: > 0 } id ? id : fallback;
}

/// <summary>Where a service listens.</summary>
public static class AppPortExtensions
{
    /// <summary>
    /// Listens on <c>127.0.0.1:{APP_PORT}</c> when the Dapr CLI or the local runner gave <c>APP_PORT</c>, else on
    /// <paramref name="defaultPort"/>; an explicit <c>ASPNETCORE_URLS</c> / <c>--urls</c> wins over both.
    /// </summary>
    public static WebApplicationBuilder UseAppPort(this WebApplicationBuilder builder, int defaultPort)
    {
        if (!string.IsNullOrEmpty(builder.Configuration["urls"]) || !string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            return builder;
        var port = int.TryParse(builder.Configuration["APP_PORT"], out var p) ? p : defaultPort;
        var host = builder.Configuration["APP_HOST"] is { Length: > 0 } h ? h : "127.0.0.1";
        builder.WebHost.UseUrls($"http://{host}:{port}");
        return builder;
    }
}
