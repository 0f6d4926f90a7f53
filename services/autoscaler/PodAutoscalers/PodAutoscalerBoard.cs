using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Platform.Serving.Contracts.Revisions;
using Platform.Serving.Contracts.Routing;

namespace Platform.Autoscaler.PodAutoscalers;

/// <summary>
/// Every PodAutoscaler as the control plane last showed it (fed by <see cref="PodAutoscalerFollower"/>), with a
/// per-revision change signal and the time of the last request held at zero. What the KEDA external scaler reads: the
/// decision it reports is the one written in the control plane, so any autoscaler replica answers the same.
/// Thread-safe.
/// </summary>
internal sealed class PodAutoscalerBoard
{
    private readonly ConcurrentDictionary<RevisionKey, Entry> _entries = new();

    /// <summary>PodAutoscalers known.</summary>
    public int Count => _entries.Count;

    /// <summary>Stores the latest state of a PodAutoscaler; wakes watchers when its desired scale changed.</summary>
    public void Update(RevisionKey key, JsonObject podAutoscaler)
    {
        var entry = _entries.GetOrAdd(key, static _ => new Entry());
        var before = (DesiredScale(entry.Object), PodAutoscalerStatusPatch.QueuedAt(entry.Object));
        entry.Object = podAutoscaler;
        // A new decision, or a request queued through another replica (KEDA may be streaming from this one).
        if (before != (DesiredScale(podAutoscaler), PodAutoscalerStatusPatch.QueuedAt(podAutoscaler))) entry.Signal();
    }

    /// <summary>The latest state of <paramref name="key"/>'s PodAutoscaler, or null when unknown.</summary>
    public JsonObject? Get(RevisionKey key) => _entries.TryGetValue(key, out var e) ? e.Object : null;

    /// <summary>When a request was last held at zero for <paramref name="key"/>, or null.</summary>
    public DateTimeOffset? LastPokeAt(RevisionKey key) => _entries.TryGetValue(key, out var e) ? e.LastPokeAt : null;

    /// <summary>Notes a request held at zero and wakes watchers at once (before any decision); false when unknown.</summary>
    public bool Poke(RevisionKey key, DateTimeOffset now)
    {
        if (!_entries.TryGetValue(key, out var entry) || entry.Object is null) return false;
        entry.LastPokeAt = now;
        entry.Signal();
        return true;
    }

    /// <summary>A task that completes at the next change of <paramref name="key"/> (desired scale, poke or removal).</summary>
    public Task NextChange(RevisionKey key) => _entries.TryGetValue(key, out var entry) ? entry.Changed : Task.CompletedTask;

    /// <summary>Forgets <paramref name="key"/>, waking its watchers.</summary>
    public bool Remove(RevisionKey key)
    {
        if (!_entries.TryRemove(key, out var entry)) return false;
        entry.Signal();
        return true;
    }

    /// <summary><c>status.desiredScale</c> of a PodAutoscaler, or null before the first decision.</summary>
    public static int? DesiredScale(JsonObject? pa) =>
        pa?["status"]?["desiredScale"] is JsonValue v && v.TryGetValue<int>(out var n) && n >= 0 ? n : null;

    /// <summary><c>status.actualScale</c> of a PodAutoscaler, or null before the workload backend reported.</summary>
    public static int? ActualScale(JsonObject? pa) =>
        pa?["status"]?["actualScale"] is JsonValue v && v.TryGetValue<int>(out var n) && n >= 0 ? n : null;

    /// <summary><c>status.mode</c> of a PodAutoscaler: <c>Serve</c>, or <c>Proxy</c> when it says anything else or nothing.</summary>
    public static string Mode(JsonObject? pa) =>
        pa?["status"]?["mode"] is JsonValue v && v.TryGetValue<string>(out var mode) && ActivatorModes.IsServe(mode)
            ? ActivatorModes.Serve : ActivatorModes.Proxy;

    private sealed class Entry
    {
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _lastPokeTicks = long.MinValue;

        public volatile JsonObject? Object;

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
