using Microsoft.Extensions.Options;
using Platform.Broker.Configuration;
using Platform.Broker.Delivery;
using Platform.Broker.Ingress;
using Platform.Broker.Reconciling;
using Platform.Broker.Resources;
using Platform.Broker.Routing;
using Platform.Broker.Streams;
using Platform.ServingController.Store;
using Platform.ServingController.Store.Http;

namespace Platform.Broker;

/// <summary>Wiring of the broker service.</summary>
public static class BrokerExtensions
{
    /// <summary>
    /// Registers the options (<c>Broker</c> section), the resource store client (the control plane at
    /// <c>Broker:ControlPlaneUrl</c>), the watcher, the reconciler, the topic streams, the dispatcher and the ingress.
    /// </summary>
    public static IHostApplicationBuilder AddBroker(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<BrokerOptions>().BindConfiguration(BrokerOptions.Section);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<BrokerOptions>>().Value);
        services.AddSingleton(TimeProvider.System);
        services.AddHttpClient<IResourceStore, HttpResourceStore>((sp, http) =>
        {
            var url = sp.GetRequiredService<BrokerOptions>().ControlPlaneUrl;
            http.BaseAddress = new Uri(url.EndsWith('/') ? url : url + "/");
            http.Timeout = Timeout.InfiniteTimeSpan; // watches are long-lived
        });
        services.AddHttpClient<EventDispatcher>(http => http.Timeout = Timeout.InfiniteTimeSpan) // per-attempt timeouts come from DeliverySpec
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) });
        services.AddSingleton<ResourceCache>();
        services.AddSingleton<Routes>();
        services.AddSingleton<BrokerCounters>();
        services.AddSingleton<EventPublisher>();
        services.AddSingleton<EventRouter>();
        services.AddSingleton<StreamHost>();
        services.AddHostedService<ResourceWatcher>();
        services.AddHostedService<Reconciler>();
        return builder;
    }
}
