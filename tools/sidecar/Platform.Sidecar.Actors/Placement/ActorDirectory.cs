using Microsoft.Extensions.Logging;
using Platform.Sidecar.Core.Discovery;

namespace Platform.Sidecar.Actors.Placement;

/// <summary>Where an actor call goes.</summary>
/// <param name="Host">The hosting sidecar, null when no sidecar hosts the type.</param>
/// <param name="IsLocal">True when the host is this sidecar.</param>
internal readonly record struct ActorRoute(AppInstance? Host, bool IsLocal);

/// <summary>
/// The registry as placement sees it: a snapshot refreshed at most every <see cref="ActorRuntimeOptions.PlacementRefreshInterval"/>
/// (reading the registry on every call would put file I/O on the hot path), with this sidecar's own entry always current.
/// </summary>
internal sealed class ActorDirectory(IAppRegistry registry, ISelfRegistration self, ActorRuntimeOptions options, TimeProvider time, ILogger<ActorDirectory> logger)
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile IReadOnlyList<AppInstance> _instances = [];
    private long _refreshedAt = long.MinValue;
    private volatile MergedView? _merged;

    /// <summary>The host of an actor; refreshes the snapshot first when it is stale, or when nothing hosts the type.</summary>
    public async ValueTask<ActorRoute> RouteAsync(string actorType, string actorId, CancellationToken cancellationToken)
    {
        if (IsStale()) await RefreshAsync(force: false, cancellationToken).ConfigureAwait(false);
        var host = ActorPlacement.Choose(actorType, actorId, Merge(_instances));
        if (host is null)
        {
            await RefreshAsync(force: true, cancellationToken).ConfigureAwait(false);
            host = ActorPlacement.Choose(actorType, actorId, Merge(_instances));
        }
        return new ActorRoute(host, host is not null && host.InstanceId == self.Self.InstanceId);
    }

    /// <summary>True when this sidecar hosts the actor now.</summary>
    public async ValueTask<bool> IsLocalAsync(string actorType, string actorId, CancellationToken cancellationToken) =>
        (await RouteAsync(actorType, actorId, cancellationToken).ConfigureAwait(false)).IsLocal;

    private bool IsStale() => time.GetElapsedTime(Interlocked.Read(ref _refreshedAt)) >= options.PlacementRefreshInterval
        || Interlocked.Read(ref _refreshedAt) == long.MinValue;

    private async Task RefreshAsync(bool force, CancellationToken cancellationToken)
    {
        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!force && !IsStale()) return;
            try
            {
                _instances = await registry.ListAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Keep the last snapshot: a registry hiccup must not make every actor unreachable.
                ActorLog.RegistryUnavailable(logger, e);
            }
            Interlocked.Exchange(ref _refreshedAt, time.GetTimestamp());
        }
        finally
        {
            _refresh.Release();
        }
    }

    private IReadOnlyList<AppInstance> Merge(IReadOnlyList<AppInstance> instances)
    {
        var me = self.Self;
        // Placement runs on every call: reuse the merged list until the snapshot or this sidecar's entry changes.
        if (_merged is { } cached && ReferenceEquals(cached.Snapshot, instances) && ReferenceEquals(cached.Self, me)) return cached.Merged;
        var merged = new List<AppInstance>(instances.Count + 1) { me };
        foreach (var instance in instances)
            if (instance.InstanceId != me.InstanceId) merged.Add(instance);
        _merged = new MergedView(instances, me, merged);
        return merged;
    }

    private sealed record MergedView(IReadOnlyList<AppInstance> Snapshot, AppInstance Self, IReadOnlyList<AppInstance> Merged);
}
