using k8s;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.ControlPlane.Hosting;
using Platform.ControlPlane.Kubernetes;
using Platform.ControlPlane.Store;
using Platform.ServingController.Cluster;
using Platform.ServingController.Reconcilers.Configuration;
using Platform.ServingController.Reconcilers.Configuration.Builders;
using Platform.ServingController.Reconcilers.DomainMapping;
using Platform.ServingController.Reconcilers.Revision;
using Platform.ServingController.Reconcilers.Route;
using Platform.ServingController.Reconcilers.Route.Builders;
using Platform.ServingController.Reconcilers.Service;
using Platform.ServingController.Routing;
using Platform.ServingController.Supervisor;
using Platform.ServingController.Supervisor.Hpa;
using Platform.Workloads;
using Platform.Workloads.Kubernetes;
using Platform.Workloads.Local;

namespace Platform.ServingController.Hosting;

/// <summary>Wiring of Serving (reconcilers, the local workload supervisor and backend, the activator link) into <c>Program.cs</c>.</summary>
internal static class ServingExtensions
{
    /// <summary>
    /// Registers the reconcilers and their controller, the local process backend (<c>Workloads:Local</c>, see
    /// <see cref="LocalBackendOptions"/>) and its supervisor, the activator link (<c>Serving:Wiring</c>), route URLs
    /// (<c>Serving:Routes</c>) and revision GC (<c>Serving:Gc</c>). The parts meet only in the control plane
    /// (<see cref="IResourceStore"/>); call after <c>AddControlPlaneServer</c> or <c>AddResourceStore</c>.
    /// </summary>
    public static IHostApplicationBuilder AddServing(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ServingWiringOptions>().BindConfiguration(ServingWiringOptions.Section);
        services.AddOptions<RouteDomainOptions>().BindConfiguration(RouteDomainOptions.Section);
        services.AddOptions<GcSettings>().BindConfiguration(GcSettings.Section);
        services.TryAddSingleton(TimeProvider.System);
        if (WorkloadBackendOf(builder.Configuration) == WorkloadBackendKind.Kubernetes)
        {
            // The cluster of the one ResourceStore setting (kubeconfig/context, or the pod's service account).
            var store = builder.Configuration.GetSection(ResourceStoreOptions.Section).Get<ResourceStoreOptions>() ?? new ResourceStoreOptions();
            var kubernetes = builder.Configuration.GetSection(KubernetesWorkloadOptions.Section).Get<KubernetesWorkloadOptions>() ?? new KubernetesWorkloadOptions();
            services.TryAddSingleton<IKubernetes>(_ => new k8s.Kubernetes(KubernetesResourceStore.ClientConfiguration(store.Kubeconfig, store.Context)));
            services.TryAddSingleton<IWorkloadBackend>(sp => new KubernetesWorkloadBackend(
                sp.GetRequiredService<IKubernetes>(), kubernetes, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<KubernetesWorkloadBackend>>()));
        }
        else
        {
            services.TryAddSingleton<IWorkloadBackend>(sp => new LocalWorkloadBackend(
                LocalBackend(sp.GetRequiredService<IConfiguration>()),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<LocalWorkloadBackend>>()));
        }

        if (ResourceStoreExtensions.ModeOf(builder.Configuration) == ResourceStoreMode.Kubernetes)
        {
            services.TryAddSingleton<IKubernetes>(_ =>
            {
                var store = builder.Configuration.GetSection(ResourceStoreOptions.Section).Get<ResourceStoreOptions>() ?? new ResourceStoreOptions();
                return new k8s.Kubernetes(KubernetesResourceStore.ClientConfiguration(store.Kubeconfig, store.Context));
            });
            services.AddSingleton(sp => new ClusterPreflight(new ClusterCrds(sp.GetRequiredService<IKubernetes>(), sp.GetRequiredService<TimeProvider>()),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ClusterPreflight>>()));
        }
        services.AddSingleton<ActivatorClient>();
        services.AddSingleton<ActivatorSync>();
        services.AddSingleton<ServiceReconciler>();
        services.AddSingleton<ConfigurationReconciler>();
        services.AddSingleton<RevisionReconciler>();
        services.AddSingleton<RouteReconciler>();
        services.AddSingleton<DomainMappingReconciler>();
        services.AddHostedService<Reconcilers.ServingController>();
        services.AddHostedService<WorkloadSupervisor>();
        services.AddOptions<HpaOptions>().BindConfiguration(HpaOptions.Section);
        services.AddHostedService<LocalHpa>();
        return builder;
    }

    /// <summary>The workload backend <c>Workloads:Backend</c> names: <c>Local</c> (default) or <c>Kubernetes</c>.</summary>
    /// <exception cref="InvalidOperationException">Another value (the message names the setting).</exception>
    internal static WorkloadBackendKind WorkloadBackendOf(IConfiguration configuration)
    {
        var value = configuration["Workloads:Backend"];
        if (string.IsNullOrEmpty(value)) return WorkloadBackendKind.Local;
        return Enum.TryParse<WorkloadBackendKind>(value, ignoreCase: true, out var kind)
            ? kind
            : throw new InvalidOperationException($"Workloads:Backend: \"{value}\" is not Local or Kubernetes");
    }

    /// <summary>
    /// <c>Workloads:Local</c>; under <c>platform up</c> (which sets <c>PLATFORM_DIR</c>) replica logs default to
    /// <c>{PLATFORM_DIR}/logs/replicas</c> and the replica record to <c>{PLATFORM_DIR}/run/replicas</c>, both in the checkout.
    /// </summary>
    internal static LocalBackendOptions LocalBackend(IConfiguration configuration)
    {
        var section = configuration.GetSection("Workloads:Local");
        var options = section.Get<LocalBackendOptions>() ?? new LocalBackendOptions();
        if (configuration["PLATFORM_DIR"] is not { Length: > 0 } dir) return options;
        if (section[nameof(LocalBackendOptions.LogsDirectory)] is null)
            options = options with { LogsDirectory = Path.Combine(dir, "logs", "replicas") };
        if (section[nameof(LocalBackendOptions.StateDirectory)] is null)
            options = options with { StateDirectory = Path.Combine(dir, "run", "replicas") };
        return options;
    }

    /// <summary>Maps the workload endpoints (status, logs).</summary>
    public static WebApplication MapServing(this WebApplication app)
    {
        app.MapWorkloadEndpoints();
        return app;
    }
}

/// <summary>Which workload backend runs revisions (<c>Workloads:Backend</c>).</summary>
internal enum WorkloadBackendKind
{
    /// <summary>Local processes (the default).</summary>
    Local,

    /// <summary>Deployments, Services and KEDA ScaledObjects in the cluster of <c>ResourceStore</c>.</summary>
    Kubernetes,
}
