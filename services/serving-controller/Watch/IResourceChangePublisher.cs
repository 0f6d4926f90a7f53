using Platform.ServingController.Store;

namespace Platform.ServingController.Watch;

/// <summary>Tells other services about committed changes (Dapr pub/sub); best-effort, never blocks a write.</summary>
public interface IResourceChangePublisher
{
    /// <summary>Queues the events for publishing, in order.</summary>
    void Publish(IReadOnlyList<StoredEvent> events);
}

/// <summary>Publishes nothing (pub/sub disabled).</summary>
public sealed class NoChangePublisher : IResourceChangePublisher
{
    /// <inheritdoc />
    public void Publish(IReadOnlyList<StoredEvent> events) { }
}
