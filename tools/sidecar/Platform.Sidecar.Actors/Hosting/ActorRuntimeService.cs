using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Sidecar.Actors.Activation;
using Platform.Sidecar.Actors.Invocation;
using Platform.Sidecar.Actors.Reminders;
using Platform.Sidecar.Core.Discovery;

namespace Platform.Sidecar.Actors.Hosting;

/// <summary>
/// Brings the actor runtime up once the app answers: reads <c>GET /dapr/config</c> (polling until the app is up),
/// announces the actor types, resumes persisted reminders, then scans for idle actors every <c>actorScanInterval</c>
/// and re-synchronises reminders every <see cref="ActorRuntimeOptions.ReminderSyncInterval"/>.
/// </summary>
internal sealed class ActorRuntimeService(
    ActorRuntimeOptions options,
    AppChannel app,
    ActorConfigSource config,
    ISelfRegistration self,
    ActorReminders reminders,
    IdleDeactivation idle,
    TimeProvider time,
    ILogger<ActorRuntimeService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var loaded = await LoadConfigAsync(stoppingToken).ConfigureAwait(false);
            if (loaded.Entities.Count == 0) return;
            await AnnounceAsync(loaded.Entities, stoppingToken).ConfigureAwait(false);
            if (!reminders.IsAvailable) ActorLog.NoActorStateStore(logger);
            await reminders.SyncAsync(stoppingToken).ConfigureAwait(false);
            await Task.WhenAll(
                EveryAsync(loaded.ScanInterval, idle.ScanAsync, stoppingToken),
                EveryAsync(options.ReminderSyncInterval, reminders.SyncAsync, stoppingToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Registers the actor types, retrying: a registry hiccup must not stop the sidecar.</summary>
    private async Task AnnounceAsync(IReadOnlyList<string> entities, CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                await self.SetActorTypesAsync(entities, stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                ActorLog.BackgroundWorkFailed(logger, options.AppId, e);
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<ActorAppConfig> LoadConfigAsync(CancellationToken stoppingToken)
    {
        if (options.AppBaseUrl.Port == 0)
        {
            // No app behind this sidecar (port 0): it hosts no actors, and calls must not wait for a config that never comes.
            config.Set(ActorAppConfig.None);
            return ActorAppConfig.None;
        }
        while (true)
        {
            var (loaded, pending) = await app.TryGetConfigAsync(stoppingToken).ConfigureAwait(false);
            if (loaded is not null)
            {
                config.Set(loaded);
                ActorLog.ConfigLoaded(logger, options.AppId, string.Join(", ", loaded.Entities), loaded.Defaults.IdleTimeout, loaded.ScanInterval);
                return loaded;
            }
            ActorLog.ConfigPending(logger, options.AppId, pending ?? "no answer");
            await Task.Delay(options.ConfigPollInterval, time, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task EveryAsync(TimeSpan interval, Func<CancellationToken, Task> work, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await work(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                ActorLog.BackgroundWorkFailed(logger, options.AppId, e);
            }
        }
    }
}
