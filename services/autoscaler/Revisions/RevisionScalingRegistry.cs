using Platform.Serving.Contracts.Revisions;
using System.Collections.Concurrent;
using Platform.Autoscaler.Scaling;

namespace Platform.Autoscaler.Revisions;

/// <summary>
/// The in-process board of every revision's latest <see cref="RevisionScaleStatus"/>, written by the revision
/// autoscalers (actors or the in-process host) and read by the KEDA scaler; also carries a per-revision change
/// signal so that <c>StreamIsActive</c> wakes the moment a revision at zero is poked. Thread-safe.
/// KEDA must therefore talk to the autoscaler replica that hosts the revisions: run one replica.
/// </summary>
public sealed class RevisionScalingRegistry
{
    private readonly ConcurrentDictionary<RevisionKey, Entry> _entries = new();

    /// <summary>Revisions known.</summary>
    public int Count => _entries.Count;

    /// <summary>Publishes a status; wakes watchers when the revision became active.</summary>
    public void Publish(RevisionScaleStatus status)
    {
        var key = new RevisionKey(status.Namespace, status.Revision);
        var entry = _entries.GetOrAdd(key, static _ => new Entry());
        var previous = entry.Status;
        var poke = entry.LastPokeAt;
        if (poke is not null && (status.LastPokeAt is null || status.LastPokeAt < poke)) status = status with { LastPokeAt = poke };
        entry.Status = status;
        if (previous is null || previous.IsActive(status.UpdatedAt) != status.IsActive(status.UpdatedAt)) entry.Signal();
    }

    /// <summary>The latest status of <paramref name="key"/>.</summary>
    public bool TryGet(RevisionKey key, out RevisionScaleStatus status)
    {
        if (_entries.TryGetValue(key, out var entry) && entry.Status is { } s)
        {
            status = entry.LastPokeAt is { } poke && (s.LastPokeAt is null || s.LastPokeAt < poke) ? s with { LastPokeAt = poke } : s;
            return true;
        }
        status = null!;
        return false;
    }

    /// <summary>Notes a request held at zero for <paramref name="key"/> and wakes its watchers at once; false when unknown.</summary>
    public bool Poke(RevisionKey key, DateTimeOffset now)
    {
        if (!_entries.TryGetValue(key, out var entry) || entry.Status is null) return false;
        entry.LastPokeAt = now;
        entry.Signal();
        return true;
    }

    /// <summary>A task that completes at the next change signal of <paramref name="key"/> (poke, activity change or removal).</summary>
    public Task NextChange(RevisionKey key) =>
        _entries.TryGetValue(key, out var entry) ? entry.Changed : Task.CompletedTask;

    /// <summary>Forgets <paramref name="key"/>, waking its watchers.</summary>
    public bool Remove(RevisionKey key)
    {
        if (!_entries.TryRemove(key, out var entry)) return false;
        entry.Signal();
        return true;
    }

    private sealed class Entry
    {
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public volatile RevisionScaleStatus? Status;
        private long _lastPokeTicks = long.MinValue;

        public DateTimeOffset? LastPokeAt
        {
            get { var t = Interlocked.Read(ref _lastPokeTicks); return t == long.MinValue ? null : new DateTimeOffset(t, TimeSpan.Zero); }
            set => Interlocked.Exchange(ref _lastPokeTicks, value?.UtcTicks ?? long.MinValue);
        }

        public Task Changed => Volatile.Read(ref _changed).Task;

        public void Signal() =>
            Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
