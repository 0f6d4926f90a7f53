using Platform.Sidecar.Core.PubSub;

namespace Platform.Sidecar.PubSub;

/// <summary>The subscriptions the sidecar is consuming for its app (shown by the metadata API).</summary>
internal sealed class SubscriptionCatalog
{
    private volatile IReadOnlyList<TopicSubscription> _items = [];

    /// <summary>Current subscriptions.</summary>
    public IReadOnlyList<TopicSubscription> Items => _items;

    /// <summary>Replaces the list.</summary>
    public void Set(IReadOnlyList<TopicSubscription> items) => _items = items;
}
