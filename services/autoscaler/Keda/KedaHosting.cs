using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Platform.ServiceDefaults.Telemetry;

namespace Platform.Autoscaler.Keda;

/// <summary>Serves the KEDA external scaler on its own h2c port next to the app's HTTP/1.1 port.</summary>
internal static class KedaHosting
{
    /// <summary>
    /// Adds gRPC and makes Kestrel listen on the app URLs (from <c>--urls</c> / <c>APP_PORT</c>) plus
    /// <c>{Keda:Host}:{Keda:Port}</c> with HTTP/2 only (prior knowledge, as KEDA's Go client dials).
    /// </summary>
    public static WebApplicationBuilder AddKedaExternalScaler(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(KedaOptions.SectionName);
        builder.Services.AddOptions<KedaOptions>().Bind(section)
            .Validate(o => o.Port is >= 0 and <= 65535, "Keda:Port must be 0..65535")
            .Validate(o => o.StreamResendInterval > TimeSpan.Zero, "Keda:StreamResendInterval must be > 0")
            .ValidateOnStart();
        builder.Services.AddGrpc();
        // Reports the app's own health checks (ServiceDefaults' "self") over grpc.health.v1, for probes on this port.
        builder.Services.AddGrpcHealthChecks();

        var options = section.Get<KedaOptions>() ?? new KedaOptions();
        if (options.Port == 0) return builder;
        var urls = (builder.Configuration[WebHostDefaults.ServerUrlsKey] ?? "http://localhost:5000")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Explicit endpoints replace --urls in Kestrel, so the app URLs are listened on here too.
            string? firstHost = null;
            foreach (var url in urls)
            {
                var address = BindingAddress.Parse(url);
                if (!string.Equals(address.Scheme, "http", StringComparison.OrdinalIgnoreCase))
                    throw new InvalidOperationException($"urls: '{url}' is not http; the autoscaler serves plain HTTP behind Dapr");
                firstHost ??= address.Host;
                Listen(kestrel, address.Host, address.Port, HttpProtocols.Http1AndHttp2);
            }
            Listen(kestrel, options.Host ?? firstHost ?? "127.0.0.1", options.Port, HttpProtocols.Http2);
            // And the Prometheus port (Telemetry:MetricsPort), which the startup filter's address would not add here.
            kestrel.ListenMetrics(Platform.ServiceDefaults.Telemetry.TelemetryOptions.From(builder.Configuration));
        });
        return builder;
    }

    /// <summary>Maps the ExternalScaler and gRPC health services, on the KEDA port only.</summary>
    public static WebApplication MapKedaExternalScaler(this WebApplication app)
    {
        var port = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<KedaOptions>>().Value.Port;
        if (port == 0) return app;
        app.MapGrpcService<ExternalScalerService>().RequireHost($"*:{port}");
        app.MapGrpcHealthChecksService().RequireHost($"*:{port}");
        return app;
    }

    private static void Listen(KestrelServerOptions kestrel, string host, int port, HttpProtocols protocols)
    {
        if (host is "*" or "+" or "0.0.0.0" or "[::]") kestrel.ListenAnyIP(port, l => l.Protocols = protocols);
        else if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) kestrel.ListenLocalhost(port, l => l.Protocols = protocols);
        else if (IPAddress.TryParse(host.Trim('[', ']'), out var ip)) kestrel.Listen(ip, port, l => l.Protocols = protocols);
        else kestrel.ListenAnyIP(port, l => l.Protocols = protocols);
    }
}
