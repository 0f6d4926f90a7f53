using Platform.ControlPlane.Informers;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;

namespace Platform.Sources.Resources;

/// <summary>
/// Keeps <see cref="SourceCache"/> current: one <see cref="ResourceInformer"/> per watched kind (list, watch from the
/// list's version, resume, re-list after 410 Gone), each change applied to the cache.
/// </summary>
internal sealed class ResourceWatcher(IResourceStore store, SourceCache cache, ILogger<ResourceWatcher> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(SourceKinds.All.Select(kind => Task.Run(() => FollowAsync(kind, stoppingToken), CancellationToken.None)));

    private async Task FollowAsync(ResourceKind kind, CancellationToken stoppingToken)
    {
        var informer = new ResourceInformer(store, kind, null, logger);
        _ = informer.Synced.ContinueWith(_ => cache.MarkListed(kind), TaskScheduler.Default);
        await informer.RunAsync((e, _) =>
        {
            cache.Apply(kind, e.Type, e.Object);
            return Task.CompletedTask;
        }, stoppingToken).ConfigureAwait(false);
    }
}
