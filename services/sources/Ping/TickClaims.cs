using System.Collections.Concurrent;
using Dapr.Client;

namespace Platform.Sources.Ping;

/// <summary>The last tick of a PingSource that some replica fired, as stored.</summary>
/// <param name="Tick">The tick (UTC).</param>
/// <param name="Replica">Who fired it.</param>
internal sealed record TickRecord(DateTimeOffset Tick, string Replica);

/// <summary>
/// Who fires a PingSource's tick when several sources replicas schedule it: the one that moves the source's
/// "last fired" record to that tick first. Records outlive a restart, so a restarted replica does not fire a tick
/// again.
/// </summary>
internal interface ITickClaims
{
    /// <summary>Makes sure the source has a record before its first tick (so that every claim is a compare-and-swap).</summary>
    Task SeedAsync(string uid, CancellationToken cancellationToken);

    /// <summary>True when this replica won <paramref name="tick"/> and must fire it; false when it was fired already.</summary>
    Task<bool> ClaimAsync(string uid, DateTimeOffset tick, CancellationToken cancellationToken);

    /// <summary>Forgets a deleted source's record.</summary>
    Task ForgetAsync(string uid, CancellationToken cancellationToken);
}

/// <summary>The claim decision on a record. Pure.</summary>
internal static class TickClaim
{
    /// <summary>Whether a replica may take <paramref name="tick"/> given the stored record: only a later tick than the last fired.</summary>
    public static bool MayTake(TickRecord? stored, DateTimeOffset tick) => stored is null || stored.Tick < tick;
}

/// <summary>
/// Records in the Dapr state store (key <c>pingsource-{uid}</c>): a claim reads the record and its ETag and writes the
/// tick back with that ETag, so of several replicas exactly one write succeeds. Dapr's state API cannot create a
/// key only when it is missing (a write without ETag always wins), so the record is created ("seeded") when a
/// replica first sees the source, well before its first tick; every claim after that is a compare-and-swap.
/// </summary>
internal sealed class StateStoreTickClaims(DaprClient dapr, string store, string replica) : ITickClaims
{
    private static string Key(string uid) => "pingsource-" + uid;

    /// <inheritdoc />
    public async Task SeedAsync(string uid, CancellationToken cancellationToken)
    {
        var (stored, _) = await dapr.GetStateAndETagAsync<TickRecord?>(store, Key(uid), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (stored is null)
            await dapr.SaveStateAsync(store, Key(uid), new TickRecord(DateTimeOffset.UnixEpoch, replica), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> ClaimAsync(string uid, DateTimeOffset tick, CancellationToken cancellationToken)
    {
        var (stored, etag) = await dapr.GetStateAndETagAsync<TickRecord?>(store, Key(uid), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            // Not seeded yet (the seed failed or is in flight): seed, then claim as usual.
            await SeedAsync(uid, cancellationToken).ConfigureAwait(false);
            (stored, etag) = await dapr.GetStateAndETagAsync<TickRecord?>(store, Key(uid), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        if (!TickClaim.MayTake(stored, tick) || string.IsNullOrEmpty(etag)) return false;
        // A stale ETag means another replica wrote first: it fires this tick.
        return await dapr.TrySaveStateAsync(store, Key(uid), new TickRecord(tick, replica), etag, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task ForgetAsync(string uid, CancellationToken cancellationToken) => dapr.DeleteStateAsync(store, Key(uid), cancellationToken: cancellationToken);
}

/// <summary>Records in this process (<c>Sources:Ping:Claims=InProcess</c>): for one replica without a state store.</summary>
internal sealed class InProcessTickClaims : ITickClaims
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _fired = new();

    /// <inheritdoc />
    public Task SeedAsync(string uid, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task<bool> ClaimAsync(string uid, DateTimeOffset tick, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!_fired.TryGetValue(uid, out var last))
            {
                if (_fired.TryAdd(uid, tick)) return Task.FromResult(true);
                continue;
            }
            if (!TickClaim.MayTake(new TickRecord(last, ""), tick)) return Task.FromResult(false);
            if (_fired.TryUpdate(uid, tick, last)) return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task ForgetAsync(string uid, CancellationToken cancellationToken)
    {
        _fired.TryRemove(uid, out _);
        return Task.CompletedTask;
    }
}
