using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Platform.Broker.Streams;

namespace Platform.Broker.Ingress;

/// <summary>
/// Publishes structured CloudEvent bytes to a topic through Dapr pub/sub with <c>rawPayload=true</c>, so that
/// subscribers get the event itself and not a Dapr envelope around it. Completes when the component accepted it;
/// a refusal or a transport failure throws (<see cref="Grpc.Core.RpcException"/>).
/// </summary>
internal sealed class EventPublisher(SidecarConnection sidecar, Configuration.BrokerOptions options)
{
    /// <summary>Publishes <paramref name="structuredEvent"/> to <paramref name="topic"/>.</summary>
    public Task PublishAsync(string topic, ReadOnlyMemory<byte> structuredEvent, CancellationToken cancellationToken) =>
        // The bytes are wrapped, not copied: every caller hands over a buffer that nothing writes to any more.
        PublishAsync(topic, UnsafeByteOperations.UnsafeWrap(structuredEvent), cancellationToken);

    /// <summary>Publishes <paramref name="structuredEvent"/> (e.g. an event read from another topic, as it is) to <paramref name="topic"/>.</summary>
    public async Task PublishAsync(string topic, ByteString structuredEvent, CancellationToken cancellationToken)
    {
        var request = new PublishEventRequest
        {
            PubsubName = options.PubSub,
            Topic = topic,
            Data = structuredEvent,
            DataContentType = Platform.CloudEvents.CloudEventHttp.StructuredJsonMediaType,
        };
        request.Metadata.Add("rawPayload", "true");
        await sidecar.Client.PublishEventAsync(request, sidecar.Headers, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
