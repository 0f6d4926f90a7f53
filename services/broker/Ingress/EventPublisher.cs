using Dapr.Client;

namespace Platform.Broker.Ingress;

/// <summary>
/// Publishes structured CloudEvent bytes to a topic through Dapr pub/sub with <c>rawPayload=true</c>, so that
/// subscribers get the event itself and not a Dapr envelope around it. Completes when the component accepted it.
/// </summary>
public sealed class EventPublisher(DaprClient dapr, Configuration.BrokerOptions options)
{
    private static readonly Dictionary<string, string> RawPayload = new() { ["rawPayload"] = "true" };

    /// <summary>Publishes <paramref name="structuredEvent"/> to <paramref name="topic"/>.</summary>
    public Task PublishAsync(string topic, ReadOnlyMemory<byte> structuredEvent, CancellationToken cancellationToken) =>
        dapr.PublishByteEventAsync(options.PubSub, topic, structuredEvent, Platform.CloudEvents.CloudEventHttp.StructuredJsonMediaType, RawPayload, cancellationToken);
}
