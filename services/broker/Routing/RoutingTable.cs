using Platform.Broker.Delivery;
using Filter = Platform.Eventing.Filters.Filters.TriggerFilter;

namespace Platform.Broker.Routing;

/// <summary>A Trigger as the broker's fan-out sees it: its compiled filter and its own topic.</summary>
/// <param name="Name">Trigger name (logs).</param>
/// <param name="Filter">Compiled filter.</param>
/// <param name="Topic">The trigger's delivery topic.</param>
internal sealed record TriggerRoute(string Name, Filter Filter, string Topic);

/// <summary>A Broker: its ingress topic and the ready triggers that read from it.</summary>
internal sealed record BrokerRoute(string Namespace, string Name, string Topic, IReadOnlyList<TriggerRoute> Triggers);

/// <summary>A channel: its topic and the delivery topics of its subscriptions.</summary>
internal sealed record ChannelRoute(string Namespace, string Name, string Topic, IReadOnlyList<string> SubscriptionTopics);

/// <summary>Who replies go to after a delivery.</summary>
internal enum ReplyKind
{
    /// <summary>Replies are dropped.</summary>
    None,
    /// <summary>Re-ingested into a broker (Trigger), TTL decremented.</summary>
    Broker,
    /// <summary>POSTed to a URI (Subscription reply).</summary>
    Uri,
}

/// <summary>
/// A subscriber reading a delivery topic (a Trigger's or a Subscription's): where events go and where replies go.
/// <see cref="Target"/> is null for a Subscription without subscriber: events are forwarded to the reply as-is.
/// </summary>
internal sealed record SubscriberRoute(
    Accounting.DeliveryKey Key,
    string Resource,
    string Namespace,
    string Topic,
    DeliveryTarget? Target,
    ReplyKind Reply,
    string? ReplyBrokerTopic,
    DeliveryTarget? ReplyTarget,
    Backpressure.DeliveryLimits Limits);

/// <summary>The whole routing state, swapped atomically by the reconciler and read on every event.</summary>
internal sealed record RoutingTable(
    IReadOnlyDictionary<(string Ns, string Name), BrokerRoute> Brokers,
    IReadOnlyDictionary<(string Ns, string Name), ChannelRoute> Channels,
    IReadOnlyDictionary<string, BrokerRoute> BrokersByTopic,
    IReadOnlyDictionary<string, ChannelRoute> ChannelsByTopic,
    IReadOnlyDictionary<string, SubscriberRoute> Subscribers)
{
    /// <summary>Nothing known yet.</summary>
    public static RoutingTable Empty { get; } = new(
        new Dictionary<(string, string), BrokerRoute>(), new Dictionary<(string, string), ChannelRoute>(),
        new Dictionary<string, BrokerRoute>(), new Dictionary<string, ChannelRoute>(), new Dictionary<string, SubscriberRoute>());
}

/// <summary>Holds the current <see cref="RoutingTable"/>.</summary>
internal sealed class Routes
{
    private RoutingTable _table = RoutingTable.Empty;
    private volatile bool _loaded;

    /// <summary>The current table.</summary>
    public RoutingTable Current => Volatile.Read(ref _table);

    /// <summary>False until the first table built from a complete resource list: ingress answers 503 until then.</summary>
    public bool Loaded => _loaded;

    /// <summary>Replaces the table.</summary>
    public void Set(RoutingTable table)
    {
        Volatile.Write(ref _table, table);
        _loaded = true;
    }
}
