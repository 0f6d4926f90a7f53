using Platform.Sidecar.Core.Discovery;

namespace Platform.Sidecar.Discovery;

/// <summary>Runs <see cref="SelfRegistration"/>: register, refresh every second, unregister on shutdown.</summary>
internal sealed class RegistryHeartbeat(SelfRegistration registration) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => registration.RunAsync(stoppingToken);
}
