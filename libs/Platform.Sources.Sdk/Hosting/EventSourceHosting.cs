using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.Sources.Sdk.Hosting;

/// <summary>Wiring of a custom source built on ASP.NET Core: its environment, its client, where it listens, its health.</summary>
public static class EventSourceHosting
{
    /// <summary>
    /// Reads the source's environment (<c>K_SINK</c>, <c>K_CE_OVERRIDES</c>, <c>K_SINK_TIMEOUT</c>, from the builder's
    /// configuration, which holds the process environment) and registers it, a <see cref="CloudEventSender"/> (its
    /// attempt timeout from <c>K_SINK_TIMEOUT</c> when set) and an <see cref="EventSourceClient"/>. Listens on
    /// <c>PORT</c> (default 8080): on every interface inside a pod (<c>KUBERNETES_SERVICE_HOST</c> set), on loopback
    /// otherwise; <c>ASPNETCORE_URLS</c> wins over both.
    /// </summary>
    /// <exception cref="SourceConfigurationException">A variable is missing or malformed: the process should not start.</exception>
    public static WebApplicationBuilder AddEventSource(this WebApplicationBuilder builder, RetryPolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var environment = SourceEnvironment.Read(name => builder.Configuration[name]);
        var retry = policy ?? RetryPolicy.Default;
        if (environment.SinkTimeout is { } timeout) retry = retry with { AttemptTimeout = timeout };
        builder.Services.AddSingleton(environment);
        builder.Services.AddSingleton(sp => new CloudEventSender(retry, TimeProvider.System, sp.GetRequiredService<ILoggerFactory>().CreateLogger<CloudEventSender>()));
        builder.Services.AddSingleton<EventSourceClient>();
        if (string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]) && string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            var port = int.TryParse(builder.Configuration["PORT"], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 8080;
            var host = string.IsNullOrEmpty(builder.Configuration["KUBERNETES_SERVICE_HOST"]) ? "127.0.0.1" : "0.0.0.0";
            builder.WebHost.UseUrls($"http://{host}:{port}");
        }
        return builder;
    }

    /// <summary>
    /// <c>GET /healthz</c>: 200 with the sink and what was delivered and what failed, so that a ContainerSource's
    /// readiness probe and a person can see the source working.
    /// </summary>
    public static IEndpointRouteBuilder MapEventSourceHealth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/healthz", (EventSourceClient client) => Results.Json(new
        {
            sink = client.Environment.Sink.ToString(),
            delivered = client.Delivered,
            failed = client.Failed,
            lastFailure = client.LastFailure?.Describe(),
        }));
        return endpoints;
    }
}
