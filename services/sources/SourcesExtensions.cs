using Dapr.Client;
using k8s;
using Microsoft.Extensions.Options;
using Platform.ControlPlane.Hosting;
using Platform.ControlPlane.Kinds;
using Platform.Eventing.Addressing;
using Platform.Sources.ApiServer;
using Platform.Sources.Bindings;
using Platform.Sources.Configuration;
using Platform.Sources.Containers;
using Platform.Sources.Ping;
using Platform.Sources.Resources;
using Platform.Sources.Sdk;
using Platform.Sources.Sinks;
using Platform.Sources.Status;

namespace Platform.Sources;

/// <summary>Wiring of the sources service.</summary>
internal static class SourcesExtensions
{
    /// <summary>
    /// Registers the options (<c>Sources</c> section), the control-plane client (<c>ResourceStore</c> section), the
    /// watcher and its cache, sink resolution, the sender, and one reconciler per kind run by the controller.
    /// </summary>
    public static IHostApplicationBuilder AddSources(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SourcesOptions>().BindConfiguration(SourcesOptions.Section);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<SourcesOptions>>().Value);
        services.AddSingleton(TimeProvider.System);
        builder.AddResourceStore();
        services.AddSingleton<SourceCache>();
        services.AddHostedService<ResourceWatcher>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<SourcesOptions>();
            var addresses = new Addresses(options.BrokerUrl, options.ServiceAddressTemplate)
            {
                Protected = PlatformDestinations(options, sp.GetRequiredService<IConfiguration>()),
            };
            return new SinkResolver(addresses, sp.GetRequiredService<SourceCache>());
        });
        services.AddSingleton(sp =>
        {
            var delivery = sp.GetRequiredService<SourcesOptions>().Delivery;
            return new CloudEventSender(new RetryPolicy(Math.Max(0, delivery.Retry), delivery.BackoffDelay, delivery.Timeout),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<CloudEventSender>>());
        });
        services.AddSingleton<StatusWriter>();

        // PingSource
        services.AddSingleton<ITickClaims>(sp =>
        {
            var ping = sp.GetRequiredService<SourcesOptions>().Ping;
            return ping.Claims == TickClaimMode.InProcess
                ? new InProcessTickClaims()
                : new StateStoreTickClaims(sp.GetRequiredService<DaprClient>(), ping.StateStore, ReplicaName());
        });
        services.AddSingleton<PingScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<PingScheduler>());
        services.AddSingleton<ISourceReconciler, PingReconciler>();

        // ApiServerSource: local control plane, or the Kubernetes API (its access reviews and namespaces).
        var kubernetes = ResourceStoreExtensions.ModeOf(builder.Configuration) == ResourceStoreMode.Kubernetes;
        var storeOptions = builder.Configuration.GetSection(ResourceStoreOptions.Section).Get<ResourceStoreOptions>() ?? new ResourceStoreOptions();
        if (kubernetes)
        {
            services.AddSingleton<IKubernetes>(_ => new k8s.Kubernetes(KubernetesConfig(storeOptions)));
            services.AddSingleton<IPermissionCheck>(sp => new SubjectAccessReviews(sp.GetRequiredService<IKubernetes>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<SourcesOptions>().AccessCheckInterval));
            services.AddSingleton<INamespaceDirectory>(sp => new KubernetesNamespaces(sp.GetRequiredService<IKubernetes>()));
            services.AddSingleton(sp => new ApiServerAddress(sp.GetRequiredService<IKubernetes>().BaseUri.ToString().TrimEnd('/')));
        }
        else
        {
            services.AddSingleton<IPermissionCheck, NoPermissionCheck>();
            services.AddSingleton<INamespaceDirectory, LocalNamespaces>();
            services.AddSingleton(new ApiServerAddress(storeOptions.Url.TrimEnd('/')));
        }
        services.AddSingleton(sp => new ApiKinds(sp.GetRequiredService<ResourceKinds>(), kubernetes));
        services.AddSingleton<ApiServerWatches>();
        services.AddSingleton<ISourceReconciler, ApiServerReconciler>();

        // SinkBinding (subjects through the store) and ContainerSource (local processes, or Deployments in Kubernetes).
        services.AddSingleton(new SubjectKinds(kubernetes));
        services.AddSingleton<ISourceReconciler, SinkBindingReconciler>();
        services.AddSingleton(new ContainerMode(kubernetes));
        services.AddSingleton<ContainerProcesses>();
        services.AddHostedService(sp => sp.GetRequiredService<ContainerProcesses>());
        services.AddSingleton<ISourceReconciler, ContainerSourceReconciler>();

        services.AddHostedService(sp =>
        {
            var scheduler = sp.GetRequiredService<PingScheduler>();
            var cache = sp.GetRequiredService<SourceCache>();
            scheduler.DeliveryChanged += cache.Signal;
            sp.GetRequiredService<ApiServerWatches>().DeliveryChanged += cache.Signal;
            sp.GetRequiredService<ApiServerWatches>().WatchesSynced += cache.Signal;
            sp.GetRequiredService<ContainerProcesses>().Changed += cache.Signal;
            return ActivatorUtilities.CreateInstance<SourcesController>(sp);
        });
        return builder;
    }

    /// <summary>
    /// The control ports no event may be sent to: the control-plane API (<c>ResourceStore:Url</c>), this service's
    /// sidecar (<c>DAPR_HTTP_PORT</c>, <c>DAPR_GRPC_PORT</c>) and <see cref="SourcesOptions.ProtectedAddresses"/>; none
    /// with <see cref="SourcesOptions.AllowPlatformDestinations"/>.
    /// </summary>
    internal static ProtectedDestinations PlatformDestinations(SourcesOptions options, IConfiguration configuration)
    {
        if (options.AllowPlatformDestinations) return ProtectedDestinations.None;
        var addresses = new List<(string, Uri)>();
        void Add(string what, string? url)
        {
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri)) addresses.Add((what, uri));
        }
        Add("the control-plane API", configuration[$"{ResourceStoreOptions.Section}:Url"] ?? new ResourceStoreOptions().Url);
        foreach (var variable in new[] { "DAPR_HTTP_PORT", "DAPR_GRPC_PORT" })
            if (int.TryParse(configuration[variable], out var port)) Add("the sources service's own Dapr sidecar", $"http://127.0.0.1:{port}");
        foreach (var address in options.ProtectedAddresses) Add("a platform control port", address);
        return new ProtectedDestinations(addresses, $"{SourcesOptions.Section}:{nameof(SourcesOptions.AllowPlatformDestinations)}");
    }

    /// <summary>The cluster of <c>ResourceStore:Kubeconfig</c>/<c>Context</c>, or the pod's service account, as the store's.</summary>
    private static KubernetesClientConfiguration KubernetesConfig(ResourceStoreOptions options) =>
        options.Kubeconfig is null && options.Context is null && KubernetesClientConfiguration.IsInCluster()
            ? KubernetesClientConfiguration.InClusterConfig()
            : KubernetesClientConfiguration.BuildConfigFromConfigFile(options.Kubeconfig, options.Context);

    private static string ReplicaName() => $"{Environment.MachineName}/{Environment.ProcessId}";
}
