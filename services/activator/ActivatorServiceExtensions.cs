using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Activator.Activation;
using Platform.Activator.Endpoints;
using Platform.Activator.Forwarding;
using Platform.Activator.Routing;
using Platform.Activator.Stats;
using Platform.Activator.Throttling;
using Platform.Serving.Contracts.Routing;

namespace Platform.Activator;

/// <summary>Wiring of the activator: what <c>Program.cs</c> and the tests call.</summary>
internal static class ActivatorServiceExtensions
{
    /// <summary>
    /// Adds routing, throttling, forwarding (YARP) and stats; binds <see cref="ActivatorOptions"/> from
    /// <c>Activator</c> and fails at start naming every bad setting. The main endpoints serve HTTP/1.1 and WebSocket;
    /// <see cref="ActivatorOptions.H2cPort"/> adds an HTTP/2-only listener for h2c with prior knowledge. Pokes go to the autoscaler and stats to pub/sub through Dapr unless an
    /// <see cref="IRevisionActivationHook"/> / <see cref="IRevisionStatsSink"/> was registered before.
    /// Call after the listening URLs are set (<c>UseAppPort</c>): the h2c listener is added to them.
    /// </summary>
    public static WebApplicationBuilder AddActivator(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(ActivatorOptions.Section).Get<ActivatorOptions>() ?? new ActivatorOptions();
        var errors = options.Validate();
        if (errors.Count > 0)
            throw new InvalidOperationException("Invalid activator configuration: " + string.Join("; ", errors));

        // Per-request framework logs cost more than forwarding at thousands of requests per second: off unless asked for.
        if (builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore"] is null)
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        if (builder.Configuration["Logging:LogLevel:Yarp"] is null)
            builder.Logging.AddFilter("Yarp", LogLevel.Warning);

        AddH2cListener(builder, options.H2cPort);
        builder.WebHost.ConfigureKestrel(k =>
        {
            // Without TLS Kestrel cannot offer both protocols on one port (no ALPN; it would fall back to HTTP/1.1 with
            // a warning), so the main port is HTTP/1.1 (+ WebSocket) and the h2c port HTTP/2 with prior knowledge.
            k.ConfigureEndpointDefaults(l => l.Protocols =
                options.H2cPort > 0 && l.IPEndPoint?.Port == options.H2cPort ? HttpProtocols.Http2 : HttpProtocols.Http1);
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
        return builder;
    }

    /// <summary>Adds <c>http://{host of the first URL}:{port}</c> to the listening URLs, served HTTP/2-only.</summary>
    private static void AddH2cListener(WebApplicationBuilder builder, int port)
    {
        if (port <= 0) return;
        var urls = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey);
        if (string.IsNullOrWhiteSpace(urls)) urls = "http://localhost:5000"; // Kestrel's own default, kept
        var first = new Uri(urls.Split(';', StringSplitOptions.RemoveEmptyEntries)[0].Replace("*", "0.0.0.0").Replace("+", "0.0.0.0"));
        builder.WebHost.UseUrls($"{urls};http://{first.Host}:{port}");
    }

    /// <summary>
    /// Puts the data path first in the pipeline, then routing and the control endpoints; applies
    /// <see cref="ActivatorOptions.RoutesFile"/> when set.
    /// </summary>
    public static WebApplication UseActivator(this WebApplication app)
    {
        app.UseMiddleware<ServiceRequestMiddleware>();
        app.UseRouting();
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
