namespace Platform.Sidecar.Core.PubSub;

/// <summary>A message read from a topic: its broker id and the bytes published (an envelope or a raw payload).</summary>
public readonly record struct PubSubMessage(string Topic, string Id, ReadOnlyMemory<byte> Data);

/// <summary>
/// Handles one message. Completing normally acknowledges it; an <see cref="OperationCanceledException"/> (the
/// sidecar stops) leaves it pending for redelivery.
/// </summary>
public delegate Task MessageHandler(PubSubMessage message, CancellationToken cancellationToken);

/// <summary>A pub/sub component (<c>pubsub.redis</c>, <c>pubsub.in-memory</c>).</summary>
public interface IPubSub : IAsyncDisposable
{
    /// <summary>The component's <c>metadata.name</c>.</summary>
    string Name { get; }

    /// <summary>The component type, e.g. <c>pubsub.redis</c>.</summary>
    string Type { get; }

    /// <summary>
    /// How many messages of one <see cref="ConsumeAsync"/> can be in flight to the handler at once (the component's
    /// concurrency): a bulk batch never waits for more entries than this.
    /// </summary>
    int MaxInFlight { get; }

    /// <summary>Appends <paramref name="payload"/> to <paramref name="topic"/>.</summary>
    Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default);

    /// <summary>
    /// Consumes <paramref name="topics"/> as member <paramref name="consumer"/> of consumer group
    /// <paramref name="group"/> (every group gets every message; members of one group share them), calling
    /// <paramref name="handler"/> with up to the component's concurrency in flight. Runs until cancelled.
    /// </summary>
    Task ConsumeAsync(IReadOnlyList<string> topics, string group, string consumer, MessageHandler handler, CancellationToken cancellationToken);
}
