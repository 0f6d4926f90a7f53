using System.Collections.Concurrent;
using Platform.Sidecar.Core.Discovery;

namespace Platform.Sidecar.Actors.Tests.EndToEnd;

/// <summary>An in-memory <see cref="IAppRegistry"/> shared by the sidecars of one test.</summary>
public sealed class TestRegistry : IAppRegistry
{
    private readonly ConcurrentDictionary<string, AppInstance> _instances = new();

    public Task RegisterAsync(AppInstance self, CancellationToken cancellationToken = default)
    {
        _instances[self.InstanceId] = self;
        return Task.CompletedTask;
    }

    public Task UnregisterAsync(AppInstance self, CancellationToken cancellationToken = default)
    {
        _instances.TryRemove(self.InstanceId, out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AppInstance>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<AppInstance>>(_instances.Values.ToList());
}

/// <summary>This sidecar's entry in a <see cref="TestRegistry"/>.</summary>
public sealed class TestSelfRegistration(IAppRegistry registry, AppInstance self) : ISelfRegistration
{
    public AppInstance Self { get; private set; } = self;

    public async Task SetActorTypesAsync(IReadOnlyList<string> actorTypes, CancellationToken cancellationToken = default)
    {
        Self = Self with { ActorTypes = actorTypes };
        await registry.RegisterAsync(Self, cancellationToken);
    }
}
