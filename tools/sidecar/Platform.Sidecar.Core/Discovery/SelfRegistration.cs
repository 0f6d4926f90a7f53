using Microsoft.Extensions.Logging;

namespace Platform.Sidecar.Core.Discovery;

/// <summary>
/// This sidecar's entry in the registry: written at start, rewritten every second (the heartbeat that keeps it
/// live), re-announced when the actor types change, removed on shutdown.
/// </summary>
public sealed partial class SelfRegistration(IAppRegistry registry, AppInstance self, TimeProvider time, ILogger<SelfRegistration> logger) : ISelfRegistration
{
    /// <summary>How often the entry is rewritten.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);

    private volatile AppInstance _self = self;

    /// <inheritdoc />
    public AppInstance Self => _self;

    /// <inheritdoc />
    public async Task SetActorTypesAsync(IReadOnlyList<string> actorTypes, CancellationToken cancellationToken = default)
    {
        _self = _self with { ActorTypes = actorTypes.ToArray() };
        await registry.RegisterAsync(_self, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Registers, then keeps the entry fresh until cancelled, then removes it.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        LogRegistered(logger, _self.AppId, _self.InstanceId);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await registry.RegisterAsync(_self, CancellationToken.None).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                LogHeartbeatFailed(logger, _self.AppId, e);
            }
            try { await Task.Delay(HeartbeatInterval, time, cancellationToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { break; }
        }
        await registry.UnregisterAsync(_self, CancellationToken.None).ConfigureAwait(false);
    }

    [LoggerMessage(1001, LogLevel.Information, "app {AppId}: registered as instance {InstanceId}")]
    private static partial void LogRegistered(ILogger logger, string appId, string instanceId);

    [LoggerMessage(1002, LogLevel.Warning, "app {AppId}: registry heartbeat failed")]
    private static partial void LogHeartbeatFailed(ILogger logger, string appId, Exception exception);
}
