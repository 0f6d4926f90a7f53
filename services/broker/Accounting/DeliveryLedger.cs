using System.Collections.Concurrent;

namespace Platform.Broker.Accounting;

/// <summary>Which Trigger or Subscription a delivery stream belongs to.</summary>
/// <param name="Kind"><c>Trigger</c> or <c>Subscription</c>.</param>
/// <param name="Namespace">Its namespace.</param>
/// <param name="Name">Its name.</param>
internal sealed record DeliveryKey(string Kind, string Namespace, string Name);

/// <summary>
/// The loss accounting of one Trigger or Subscription in this broker process, always on: events accepted for it
/// (a copy written to its topic), delivered (2xx), retried (attempts after a failed one), dead-lettered, dropped
/// (every attempt failed and there is no dead-letter sink, as Knative does), handed back to the sidecar for
/// redelivery, and in flight (read from its topic, not yet settled). Lock-free counters: one interlocked add each.
/// </summary>
internal sealed class DeliveryCounters
{
    private long _accepted, _delivered, _retried, _deadLettered, _dropped, _redelivered, _inFlight;

    public void Accepted() => Interlocked.Increment(ref _accepted);
    public void Delivered() => Interlocked.Increment(ref _delivered);
    public void Retried(int attempts) { if (attempts > 0) Interlocked.Add(ref _retried, attempts); }
    public void DeadLettered() => Interlocked.Increment(ref _deadLettered);
    public void Dropped() => Interlocked.Increment(ref _dropped);
    public void Redelivered() => Interlocked.Increment(ref _redelivered);
    public void Started() => Interlocked.Increment(ref _inFlight);
    public void Finished() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Deliveries running now.</summary>
    public long InFlight => Interlocked.Read(ref _inFlight);

    /// <summary>The counters at this moment.</summary>
    public DeliveryStats Snapshot(DeliveryKey key) => new(key.Kind, key.Namespace, key.Name,
        Interlocked.Read(ref _accepted), Interlocked.Read(ref _delivered), Interlocked.Read(ref _retried),
        Interlocked.Read(ref _deadLettered), Interlocked.Read(ref _dropped), Interlocked.Read(ref _redelivered), Interlocked.Read(ref _inFlight));
}

/// <summary>
/// One Trigger's or Subscription's counters as served by <c>GET /stats</c>. <see cref="Outstanding"/> is accepted
/// minus settled (delivered, dead-lettered, dropped): what is in flight or still waiting in the topic. Counters start
/// at zero with the broker process; after a restart, events accepted by the previous process and redelivered to
/// this one count as settled without having been accepted here, so <see cref="Outstanding"/> can go below zero.
/// </summary>
public sealed record DeliveryStats(
    string Kind, string Namespace, string Name,
    long Accepted, long Delivered, long Retried, long DeadLettered, long Dropped, long Redelivered, long InFlight)
{
    /// <summary>Accepted − delivered − dead-lettered − dropped.</summary>
    public long Outstanding => Accepted - Delivered - DeadLettered - Dropped;
}

/// <summary>Every Trigger's and Subscription's <see cref="DeliveryCounters"/> in this process, since <see cref="Since"/>.</summary>
internal sealed class DeliveryLedger(TimeProvider time)
{
    private readonly ConcurrentDictionary<DeliveryKey, DeliveryCounters> _counters = new();

    /// <summary>When counting started (the process start).</summary>
    public DateTimeOffset Since { get; } = time.GetUtcNow();

    /// <summary>The counters of <paramref name="key"/>, created at zero the first time.</summary>
    public DeliveryCounters For(DeliveryKey key) => _counters.GetOrAdd(key, static _ => new DeliveryCounters());

    /// <summary>Every counter set, ordered by kind, namespace and name.</summary>
    public IReadOnlyList<DeliveryStats> Snapshot() =>
        [.. _counters.Select(p => p.Value.Snapshot(p.Key)).OrderBy(s => s.Kind, StringComparer.Ordinal)
            .ThenBy(s => s.Namespace, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal)];

    /// <summary>Forgets resources that no longer exist (the routing table no longer has them) and have nothing in flight.</summary>
    public void Retain(IReadOnlySet<DeliveryKey> live)
    {
        foreach (var (key, counters) in _counters)
            if (!live.Contains(key) && counters.InFlight == 0) _counters.TryRemove(key, out _);
    }
}
