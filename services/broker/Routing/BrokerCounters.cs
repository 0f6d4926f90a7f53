namespace Platform.Broker.Routing;

/// <summary>Event counters of this broker process, served at <c>GET /counters</c>.</summary>
internal sealed class BrokerCounters
{
    private long _accepted, _ttlDropped, _fannedOut, _delivered, _deadLettered, _dropped, _replies, _redelivery;

    /// <summary>Events accepted by an ingress (202).</summary>
    public long Accepted => Interlocked.Read(ref _accepted);
    /// <summary>Events (or replies) dropped because their TTL ran out.</summary>
    public long TtlDropped => Interlocked.Read(ref _ttlDropped);
    /// <summary>Copies published to trigger or subscription topics.</summary>
    public long FannedOut => Interlocked.Read(ref _fannedOut);
    /// <summary>Deliveries a subscriber took.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);
    /// <summary>Events sent to a dead-letter sink.</summary>
    public long DeadLettered => Interlocked.Read(ref _deadLettered);
    /// <summary>Events dropped after the last attempt (no dead-letter sink).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);
    /// <summary>Replies forwarded.</summary>
    public long Replies => Interlocked.Read(ref _replies);
    /// <summary>Events handed back to the sidecar for redelivery.</summary>
    public long Redelivery => Interlocked.Read(ref _redelivery);

    internal void AddAccepted() => Interlocked.Increment(ref _accepted);
    internal void AddTtlDropped() => Interlocked.Increment(ref _ttlDropped);
    internal void AddFannedOut(int n) => Interlocked.Add(ref _fannedOut, n);
    internal void AddDelivered() => Interlocked.Increment(ref _delivered);
    internal void AddDeadLettered() => Interlocked.Increment(ref _deadLettered);
    internal void AddDropped() => Interlocked.Increment(ref _dropped);
    internal void AddReply() => Interlocked.Increment(ref _replies);
    internal void AddRedelivery() => Interlocked.Increment(ref _redelivery);

    /// <summary>The counters as a JSON-friendly object.</summary>
    public object ToJson() => new { accepted = Accepted, ttlDropped = TtlDropped, fannedOut = FannedOut, delivered = Delivered, deadLettered = DeadLettered, dropped = Dropped, replies = Replies, redelivery = Redelivery };
}
