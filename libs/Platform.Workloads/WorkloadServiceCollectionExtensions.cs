using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Platform.Workloads.Local;

namespace Platform.Workloads;

/// <summary>Registers a workload backend in a service's container.</summary>
internal static class WorkloadServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="LocalWorkloadBackend"/> as the singleton <see cref="IWorkloadBackend"/> (and as itself),
    /// using the container's <see cref="TimeProvider"/> (system clock when none) and logging. The container disposes
    /// it at shutdown, which stops every replica.
    /// </summary>
    public static IServiceCollection AddLocalWorkloadBackend(this IServiceCollection services, LocalBackendOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new LocalWorkloadBackend(
            options,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<LocalWorkloadBackend>>()));
        services.AddSingleton<IWorkloadBackend>(sp => sp.GetRequiredService<LocalWorkloadBackend>());
        return services;
    }
}
