using Platform.Sources.Configuration;
using Platform.Sources.Resources;

namespace Platform.Sources.Status;

/// <summary>
/// The sources service's control loop: on every change of a watched object (and every
/// <see cref="SourcesOptions.ResyncInterval"/>, which re-resolves sinks), runs each kind's reconciler once the cache
/// holds every kind. A failing pass is logged and retried; it never stops the loop.
/// </summary>
internal sealed partial class SourcesController(SourceCache cache, IEnumerable<ISourceReconciler> reconcilers, SourcesOptions options, ILogger<SourcesController> logger)
    : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await cache.WaitForChangeAsync(options.ResyncInterval, stoppingToken).ConfigureAwait(false);
                if (!cache.IsSynced) continue;
                foreach (var reconciler in reconcilers)
                {
                    try
                    {
                        await reconciler.ReconcileAsync(stoppingToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                    {
                        LogPassFailed(e, reconciler.GetType().Name);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 7002, Level = LogLevel.Error, Message = "{Reconciler} pass failed; retrying")]
    private partial void LogPassFailed(Exception error, string reconciler);
}
