using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Activator.Activation;
using Platform.Activator.Endpoints;
using Platform.Activator.Forwarding;
using Platform.Activator.Routing;
using Platform.Activator.Stats;
using Platform.Activator.Throttling;
using Platform.ServiceDefaults.Telemetry;
using Platform.Serving.Contracts.Routing;

namespace Platform.Activator;

/// <summary>Wiring of the activator: what <c>Program.cs</c> and the tests call.</summary>
internal static class ActivatorServiceExtensions
{
    /// <summary>
    /// Adds routing, throttling, forwarding (YARP) and stats; binds <see cref="ActivatorOptions"/> from
    /// <c>Activator</c> (<c>APP_PORT</c>, the Dapr app port, is the control port unless <c>Activator:ControlPort</c>
    /// is set) and fails at start naming every bad setting. Listens on three ports, each for one job: the ingress
    /// (<see cref="ActivatorOptions.Port"/>, HTTP/1.1 + WebSocket), h2c with prior knowledge
    /// (<see cref="ActivatorOptions.H2cPort"/>) and the loopback-only control port. Pokes go to the autoscaler and
    /// stats to pub/sub through Dapr unless an <see cref="IRevisionActivationHook"/> / <see cref="IRevisionStatsSink"/>
    /// was registered before.
    /// </summary>
    public static WebApplicationBuilder AddActivator(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(ActivatorOptions.Section).Get<ActivatorOptions>() ?? new ActivatorOptions();
        if (builder.Configuration[$"{ActivatorOptions.Section}:{nameof(ActivatorOptions.ControlPort)}"] is null
            && int.TryParse(builder.Configuration["APP_PORT"], out var appPort))
            options = options with { ControlPort = appPort };
        if (builder.Configuration["APP_API_TOKEN"] is { Length: > 0 } appToken)
            options = options with { AppApiToken = appToken };
        var errors = options.Validate();
        if (errors.Count > 0)
            throw new InvalidOperationException("Invalid activator configuration: " + string.Join("; ", errors));

        // Per-request framework logs cost more than forwarding at thousands of requests per second: off unless asked for.
        if (builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore"] is null)
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // YARP's forwarder logs two Information lines per forwarded request ("Proxying to", "Received ... response"):
        // as costly as the framework's, and they bury the activator's own lines. Its warnings and errors stay.
        if (builder.Configuration["Logging:LogLevel:Yarp"] is null)
            builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        // While this category is enabled at any level, ASP.NET Core starts an Activity and a log scope for every request
        // even with tracing off. It only logs request start/finish; Kestrel still logs unhandled errors.
        if (builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] is null)
            builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        // Kestrel runs each request on the socket thread that read it instead of handing it to the thread pool: the data
        // path never blocks a thread. Socket completions themselves stay on the thread pool (inlining those too was
        // slower in the activator benchmark, where the load generator shares the two cores).
        if (options.InlineScheduling) builder.WebHost.UseSockets(s => s.UnsafePreferInlineScheduling = true);

        builder.WebHost.ConfigureKestrel(k =>
        {
            // Without TLS Kestrel cannot offer both protocols on one port (no ALPN; it would fall back to HTTP/1.1 with
            // a warning), so the ingress is HTTP/1.1 (+ WebSocket) and the h2c port HTTP/2 with prior knowledge.
            var address = System.Net.IPAddress.Parse(options.Address);
            k.Listen(address, options.Port, l => l.Protocols = HttpProtocols.Http1);
            if (options.H2cPort > 0) k.Listen(address, options.H2cPort, l => l.Protocols = HttpProtocols.Http2);
            // Loopback only: the activator's own sidecar (or a local controller) is the one caller.
            k.Listen(System.Net.IPAddress.Loopback, options.ControlPort, l => l.Protocols = HttpProtocols.Http1);
            // Prometheus scrapes on their own port (Telemetry:MetricsPort), never on the ingress.
            k.ListenMetrics(TelemetryOptions.From(builder.Configuration));
            k.AddServerHeader = false;
        });

        var services = builder.Services;
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IRevisionActivationHook, DaprActivationHook>();
        services.TryAddSingleton<IRevisionStatsSink, DaprStatsSink>();
        services.AddSingleton(new RouteDecider(new ActivatorHostNames(options.ActivatorHosts ?? []),
            new LocalNetworks(options.EffectiveLocalNetworks)));
        services.AddSingleton<RevisionThrottlers>();
        services.AddSingleton<RouteTableStore>();
        services.AddSingleton<IRouteTableStore>(sp => sp.GetRequiredService<RouteTableStore>());
        services.AddSingleton<RevisionStatsRecorder>();
        services.AddSingleton<IServedRevisions>(sp => sp.GetRequiredService<RevisionThrottlers>());
        services.AddSingleton<StatsReporter>();
        services.AddHostedService(sp => sp.GetRequiredService<StatsReporter>());
        services.AddReverseProxy(); // IHttpForwarder and the transform builder; no YARP routes are configured
        services.AddSingleton<ForwardingClient>();
        services.AddSingleton<Telemetry.ActivatorMetrics>();
        return builder;
    }

    /// <summary>
    /// Puts the data path first in the pipeline (every port but the control port), then routing and the control
    /// endpoints (the control port only); applies
    /// <see cref="ActivatorOptions.RoutesFile"/> when set.
    /// </summary>
    public static WebApplication UseActivator(this WebApplication app)
    {
        app.UseMiddleware<ServiceRequestMiddleware>();
        app.UseRouting();
        // Called here, after the data path, so that ASP.NET Core does not put it first in the pipeline where every
        // forwarded request would pass through it (YARP registers authorization; the control endpoints have their own token check).
        app.UseAuthorization();
        app.UseWebSockets();
        app.MapActivatorControl();

        var options = app.Services.GetRequiredService<ActivatorOptions>();
        if (options.RoutesFile is { Length: > 0 } file)
        {
            var table = System.Text.Json.JsonSerializer.Deserialize<RouteTable>(File.ReadAllText(file),
                new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
            var result = app.Services.GetRequiredService<IRouteTableStore>().Apply(table ?? RouteTable.Empty);
            if (result.Status != ApplyStatus.Applied)
                throw new InvalidOperationException($"Activator:RoutesFile {file}: " + string.Join("; ", result.Errors));
        }
        return app;
    }
}
