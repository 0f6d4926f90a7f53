using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.ControlPlane.Store;
using Platform.ServingController.Reconcilers.Configuration;
using Platform.ServingController.Reconcilers.Configuration.Builders;
using Platform.ServingController.Reconcilers.Revision;
using Platform.ServingController.Reconcilers.Route;
using Platform.ServingController.Reconcilers.Route.Builders;
using Platform.ServingController.Reconcilers.Service;
using Platform.ServingController.Routing;
using Platform.ServingController.Supervisor;
using Platform.Workloads;
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
        services.TryAddSingleton<IWorkloadBackend>(sp => new LocalWorkloadBackend(
            sp.GetRequiredService<IConfiguration>().GetSection("Workloads:Local").Get<LocalBackendOptions>() ?? new LocalBackendOptions(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<LocalWorkloadBackend>>()));
        services.AddSingleton<ActivatorClient>();
        services.AddSingleton<ActivatorSync>();
        services.AddSingleton<ServiceReconciler>();
        services.AddSingleton<ConfigurationReconciler>();
        services.AddSingleton<RevisionReconciler>();
        services.AddSingleton<RouteReconciler>();
        services.AddHostedService<Reconcilers.ServingController>();
        services.AddHostedService<WorkloadSupervisor>();
        return builder;
    }

    /// <summary>Maps the workload endpoints (status, logs).</summary>
    public static WebApplication MapServing(this WebApplication app)
    {
        app.MapWorkloadEndpoints();
        return app;
    }
}
