using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;

namespace Platform.Broker.Resources;

/// <summary>
/// Keeps <see cref="ResourceCache"/> current: for each kind, a list followed by a watch from the list's version; on
/// any failure (control plane restarting, 410 Gone) it lists again after a short pause.
/// </summary>
public sealed partial class ResourceWatcher(IResourceStore store, ResourceCache cache, ILogger<ResourceWatcher> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(EventingKinds.All.Select(kind => Task.Run(() => WatchKindAsync(kind, stoppingToken), CancellationToken.None)));

    private async Task WatchKindAsync(ResourceKind kind, CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var list = await store.ListAsync(kind, null, cancellationToken: stoppingToken).ConfigureAwait(false);
                cache.Replace(kind, list.Items);
                failures = 0;
                await foreach (var e in store.WatchAsync(kind, null, list.ResourceVersion, stoppingToken).ConfigureAwait(false))
                    cache.Apply(kind, e.Type, e.Object);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                if (failures == 1 || failures % 30 == 0) LogWatchFailed(kind.Kind, failures, e.Message);
            }
            try { await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 * failures)), stoppingToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "watching {Kind} failed ({Failures} in a row): {Error}; listing again")]
    private partial void LogWatchFailed(string kind, int failures, string error);
}
