using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Platform.Workloads.Local;

namespace Platform.Workloads.Tests;

public class WorkloadServiceCollectionExtensionsTests
{
    [Fact]
    public async Task Registers_one_local_backend_as_the_workload_backend()
    {
        var options = new LocalBackendOptions { BaseDirectory = "/srv" };
        var services = new ServiceCollection().AddSingleton<TimeProvider>(new FakeTimeProvider()).AddLocalWorkloadBackend(options);
        await using var provider = services.BuildServiceProvider();

        var backend = provider.GetRequiredService<IWorkloadBackend>();
        Assert.Same(provider.GetRequiredService<LocalWorkloadBackend>(), backend);
        Assert.Same(options, ((LocalWorkloadBackend)backend).Options);
        Assert.IsType<FakeTimeProvider>(((LocalWorkloadBackend)backend).Time);
    }
}
