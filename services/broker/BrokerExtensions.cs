using Microsoft.Extensions.Options;
using Platform.Broker.Configuration;
using Platform.Broker.Delivery;
using Platform.Broker.Ingress;
using Platform.Broker.Reconciling;
using Platform.Broker.Resources;
using Platform.Broker.Routing;
using Platform.Broker.Streams;
using Platform.ControlPlane.Hosting;

namespace Platform.Broker;

/// <summary>Wiring of the broker service.</summary>
internal static class BrokerExtensions
{
    /// <summary>
    /// Registers the options (<c>Broker</c> section), the control-plane client (<c>ResourceStore</c> section: local
    /// API or Kubernetes), the watcher, the reconciler, the topic streams, the dispatcher and the ingress.
    /// </summary>
    public static IHostApplicationBuilder AddBroker(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<BrokerOptions>().BindConfiguration(BrokerOptions.Section);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<BrokerOptions>>().Value);
        services.AddSingleton(TimeProvider.System);
        builder.AddResourceStore();
        services.AddSingleton(sp => new EventDispatcher(DeliveryHttpClient(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<EventDispatcher>>()));
        services.AddSingleton(sp => PlatformDestinations(sp.GetRequiredService<BrokerOptions>(), sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<ResourceCache>();
        services.AddSingleton<Routes>();
        services.AddSingleton<BrokerCounters>();
        services.AddSingleton<Telemetry.BrokerTelemetry>();
        services.AddSingleton<Accounting.DeliveryLedger>();
        services.AddSingleton<SidecarConnection>();
        services.AddSingleton<EventPublisher>();
        services.AddSingleton<EventRouter>();
        services.AddSingleton<StreamHost>();
        services.AddHostedService<ResourceWatcher>();
        services.AddHostedService<Reconciler>();
        return builder;
    }

    /// <summary>
    /// The control ports no event may be sent to: the control-plane API (<c>ResourceStore:Url</c>), this broker's
    /// sidecar (<c>DAPR_HTTP_PORT</c>, <c>DAPR_GRPC_PORT</c>) and <see cref="BrokerOptions.ProtectedAddresses"/>;
    /// none with <see cref="BrokerOptions.AllowPlatformDestinations"/>.
    /// </summary>
    internal static Platform.Eventing.Addressing.ProtectedDestinations PlatformDestinations(BrokerOptions options, IConfiguration configuration)
    {
        if (options.AllowPlatformDestinations) return Platform.Eventing.Addressing.ProtectedDestinations.None;
        var addresses = new List<(string, Uri)>();
        void Add(string what, string? url)
        {
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri)) addresses.Add((what, uri));
        }
        Add("the control-plane API", configuration[$"{ResourceStoreOptions.Section}:Url"] ?? new ResourceStoreOptions().Url);
        foreach (var variable in new[] { "DAPR_HTTP_PORT", "DAPR_GRPC_PORT" })
            if (int.TryParse(configuration[variable], out var port)) Add("the broker's own Dapr sidecar", $"http://127.0.0.1:{port}");
        foreach (var address in options.ProtectedAddresses) Add("a platform control port", address);
        return new Platform.Eventing.Addressing.ProtectedDestinations(addresses, $"{BrokerOptions.Section}:{nameof(BrokerOptions.AllowPlatformDestinations)}");
    }

    /// <summary>
    /// The client of every delivery: one long-lived handler (<c>*.localhost</c> addresses go to loopback) and nothing
    /// in front of it. Not an <c>IHttpClientFactory</c> client, whose logging and scope handlers cost CPU on each of
    /// the many deliveries per second (handler rotation is not needed: pooled connections expire and re-resolve).
    /// Redirects are not followed (a 3xx is a final failure, as in Knative); per-attempt timeouts come from the
    /// DeliverySpec; the event's own <c>traceparent</c> is sent, not one injected by the handler.
    /// </summary>
    private static HttpClient DeliveryHttpClient()
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = Platform.CloudEvents.LocalhostNames.ConnectAsync,
            MaxConnectionsPerServer = 256,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AllowAutoRedirect = false,
            UseCookies = false,
            ActivityHeadersPropagator = null,
        };
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }
}
