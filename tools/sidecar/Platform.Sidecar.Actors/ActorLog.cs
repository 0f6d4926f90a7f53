using Microsoft.Extensions.Logging;

namespace Platform.Sidecar.Actors;

/// <summary>The actor runtime's log messages (event ids 2100–2199).</summary>
internal static partial class ActorLog
{
    [LoggerMessage(2100, LogLevel.Information, "actors: app '{AppId}' hosts actor types [{Types}] (idle timeout {IdleTimeout}, scan every {ScanInterval})")]
    public static partial void ConfigLoaded(ILogger logger, string appId, string types, TimeSpan idleTimeout, TimeSpan scanInterval);

    [LoggerMessage(2101, LogLevel.Debug, "actors: app '{AppId}' did not answer GET /dapr/config yet: {Reason}")]
    public static partial void ConfigPending(ILogger logger, string appId, string reason);

    [LoggerMessage(2102, LogLevel.Warning, "actors: the actor registry could not be read; using the last snapshot")]
    public static partial void RegistryUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(2103, LogLevel.Debug, "actors: deactivated idle actor {ActorType}/{ActorId}")]
    public static partial void Deactivated(ILogger logger, string actorType, string actorId);

    [LoggerMessage(2104, LogLevel.Warning, "actors: deactivating {ActorType}/{ActorId} failed")]
    public static partial void DeactivationFailed(ILogger logger, string actorType, string actorId, Exception exception);

    [LoggerMessage(2105, LogLevel.Warning, "actors: timer {ActorType}/{ActorId}/{Name} failed: {Reason}")]
    public static partial void TimerFailed(ILogger logger, string actorType, string actorId, string name, string reason);

    [LoggerMessage(2106, LogLevel.Warning, "actors: reminder {ActorType}/{ActorId}/{Name} failed (attempt {Attempt}): {Reason}")]
    public static partial void ReminderFailed(ILogger logger, string actorType, string actorId, string name, int attempt, string reason);

    [LoggerMessage(2107, LogLevel.Warning, "actors: reminders of type {ActorType} could not be synchronised with the state store")]
    public static partial void ReminderSyncFailed(ILogger logger, string actorType, Exception exception);

    [LoggerMessage(2108, LogLevel.Information, "actors: resumed {Count} reminder(s) of type {ActorType}")]
    public static partial void RemindersResumed(ILogger logger, string actorType, int count);

    [LoggerMessage(2109, LogLevel.Warning, "actors: no state store sets actorStateStore: \"true\"; actor state and reminders are unavailable")]
    public static partial void NoActorStateStore(ILogger logger);

    [LoggerMessage(2110, LogLevel.Warning, "actors: forwarding {ActorType}/{ActorId} to {Endpoint} failed")]
    public static partial void ForwardFailed(ILogger logger, string actorType, string actorId, string endpoint, Exception exception);

    [LoggerMessage(2111, LogLevel.Warning, "actors: background work of app '{AppId}' failed; retrying on the next tick")]
    public static partial void BackgroundWorkFailed(ILogger logger, string appId, Exception exception);
}
