using System.Globalization;

namespace Platform.Sidecar.Core.State;

/// <summary>
/// <c>state.in-memory</c>: the same semantics as <see cref="RedisStateStore"/> (versions as ETags, strict ETag checks,
/// all-or-nothing transactions, optional <c>ttlInSeconds</c>) held in this process only.
/// </summary>
internal sealed class InMemoryStateStore : IStateStore
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly StateStoreOptions _options;
    private readonly TimeProvider _time;

    /// <summary>A store named <paramref name="name"/>; <paramref name="time"/> decides expiry (default the system clock).</summary>
    public InMemoryStateStore(string name, StateStoreOptions options, TimeProvider? time = null)
    {
        Name = name;
        _options = options;
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public bool IsActorStateStore => _options.IsActorStateStore;

    /// <inheritdoc />
    public Task<StateItem?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(Live(key) is { } e ? new StateItem(e.Value, Format(e.Version)) : null);
        }
    }

    /// <inheritdoc />
    public Task<string> SetAsync(string key, ReadOnlyMemory<byte> value, string? etag = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Check(key, etag);
            return Task.FromResult(Format(Write(key, value.ToArray())));
        }
    }

    /// <inheritdoc />
    public Task DeleteAsync(string key, string? etag = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Check(key, etag);
            _entries.Remove(key);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task TransactAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            // Check every ETag first so that a mismatch leaves the store untouched.
            foreach (var op in operations) Check(op.Key, op.ETag);
            foreach (var op in operations)
            {
                if (op.Kind == StateOperationKind.Upsert) Write(op.Key, op.Value ?? []);
                else _entries.Remove(op.Key);
            }
        }
        return Task.CompletedTask;
    }

    private Entry? Live(string key)
    {
        if (!_entries.TryGetValue(key, out var entry)) return null;
        if (entry.ExpiresAt is { } at && at <= _time.GetUtcNow())
        {
            _entries.Remove(key);
            return null;
        }
        return entry;
    }

    private void Check(string key, string? etag)
    {
        if (string.IsNullOrEmpty(etag)) return;
        if (Live(key) is not { } entry || Format(entry.Version) != etag) throw new ETagMismatchException(key);
    }

    private long Write(string key, byte[] value)
    {
        var version = (Live(key)?.Version ?? 0) + 1;
        _entries[key] = new Entry(value, version, _options.DefaultTimeToLive is { } ttl ? _time.GetUtcNow() + ttl : null);
        return version;
    }

    private static string Format(long version) => version.ToString(CultureInfo.InvariantCulture);

    private sealed record Entry(byte[] Value, long Version, DateTimeOffset? ExpiresAt);
}
