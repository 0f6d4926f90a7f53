using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Grpc.Core;
using Platform.Broker.Streams;

namespace Platform.Broker.Ingress;

/// <summary>
/// Publishes structured CloudEvent bytes to a topic through Dapr pub/sub with <c>rawPayload=true</c>, so that
/// subscribers get the event itself and not a Dapr envelope around it. Completes when the component accepted it;
/// a refusal or a transport failure throws (<see cref="RpcException"/>).
/// <para>
/// Publishes to one topic are group-committed: the first goes out at once as a <c>BulkPublishEvent</c> call, and
/// those that arrive while it is in flight go together in the next call (up to <see cref="MaxBatch"/>). At low load
/// that adds no wait; under load it turns one gRPC call and one sidecar request per copy into one per batch. Bulk
/// publish is in daprd for every pub/sub component (Kafka publishes a batch natively; components without a bulk
/// publisher, such as Redis and SNS/SQS, get daprd's fallback that publishes the entries one by one), so this needs
/// nothing that only our sidecar has. A failed entry fails only its own publish.
/// </para>
/// </summary>
internal sealed class EventPublisher(SidecarConnection sidecar, Configuration.BrokerOptions options)
{
    /// <summary>Most entries in one bulk call.</summary>
    public const int MaxBatch = 128;

    /// <summary>
    /// How long one bulk call may take. The calls are shared by many requests, so none of their cancellations applies;
    /// a sidecar that stops answering fails the batch (503 to the producers) instead of holding them for ever.
    /// </summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TopicBatch> _topics = new(StringComparer.Ordinal);

    /// <summary>Publishes <paramref name="structuredEvent"/> to <paramref name="topic"/>.</summary>
    public Task PublishAsync(string topic, ReadOnlyMemory<byte> structuredEvent, CancellationToken cancellationToken) =>
        // The bytes are wrapped, not copied: every caller hands over a buffer that nothing writes to any more.
        PublishAsync(topic, UnsafeByteOperations.UnsafeWrap(structuredEvent), cancellationToken);

    /// <summary>Publishes <paramref name="structuredEvent"/> (e.g. an event read from another topic, as it is) to <paramref name="topic"/>.</summary>
    public Task PublishAsync(string topic, ByteString structuredEvent, CancellationToken cancellationToken) =>
        _topics.GetOrAdd(topic, t => new TopicBatch(this, t)).Add(structuredEvent, cancellationToken);

    private async Task SendAsync(string topic, List<(ByteString Data, TaskCompletionSource Done)> batch)
    {
        var request = new BulkPublishRequest { PubsubName = options.PubSub, Topic = topic };
        request.Metadata.Add("rawPayload", "true");
        for (var i = 0; i < batch.Count; i++)
            request.Entries.Add(new BulkPublishRequestEntry { EntryId = i.ToString(System.Globalization.CultureInfo.InvariantCulture), Event = batch[i].Data, ContentType = Platform.CloudEvents.CloudEventHttp.StructuredJsonMediaType });
        BulkPublishResponse response;
        try
        {
            response = await sidecar.Client.BulkPublishEventAsync(request, sidecar.Headers, DateTime.UtcNow + CallTimeout).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            foreach (var (_, done) in batch) done.TrySetException(e);
            return;
        }
        foreach (var failed in response.FailedEntries)
            if (int.TryParse(failed.EntryId, System.Globalization.CultureInfo.InvariantCulture, out var i) && i >= 0 && i < batch.Count)
                batch[i].Done.TrySetException(new RpcException(new Status(StatusCode.Internal, $"the pub/sub component refused the event: {failed.Error}")));
        foreach (var (_, done) in batch) done.TrySetResult();
    }

    /// <summary>The publishes waiting for one topic, and whether a bulk call for it is in flight.</summary>
    private sealed class TopicBatch(EventPublisher owner, string topic)
    {
        private readonly List<(ByteString Data, TaskCompletionSource Done)> _queued = [];
        private bool _sending;

        public Task Add(ByteString data, CancellationToken cancellationToken)
        {
            // Not cancellable once queued: a publish the caller gave up on may still land (at-least-once allows it).
            cancellationToken.ThrowIfCancellationRequested();
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            bool start;
            lock (_queued)
            {
                _queued.Add((data, done));
                start = !_sending;
                _sending = true;
            }
            if (start) _ = SendLoopAsync();
            return done.Task;
        }

        private async Task SendLoopAsync()
        {
            while (true)
            {
                List<(ByteString, TaskCompletionSource)> batch;
                lock (_queued)
                {
                    if (_queued.Count == 0)
                    {
                        _sending = false;
                        return;
                    }
                    var n = Math.Min(MaxBatch, _queued.Count);
                    batch = _queued.GetRange(0, n);
                    _queued.RemoveRange(0, n);
                }
                await owner.SendAsync(topic, batch).ConfigureAwait(false);
            }
        }
    }
}
