using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Dapr.AppCallback.Autogen.Grpc.v1;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Platform.Sidecar.Components;
using Platform.Sidecar.Core.PubSub;
using Platform.Sidecar.Hosting;
using ResponseStatus = Dapr.AppCallback.Autogen.Grpc.v1.TopicEventResponse.Types.TopicEventResponseStatus;
using TopicRoutes = Platform.Sidecar.Core.PubSub.TopicRoutes;
using TopicSubscription = Platform.Sidecar.Core.PubSub.TopicSubscription;

namespace Platform.Sidecar.Grpc;

/// <summary>
/// <c>SubscribeTopicEventsAlpha1</c>, daprd's streaming (dynamic) subscription: the first request names the pub/sub,
/// topic, metadata and dead-letter topic; the sidecar answers with an initial response, then consumes the topic
/// (consumer group = app-id, like declarative subscriptions) and sends each message as a <c>TopicEventRequest</c>.
/// The app answers each with SUCCESS (ack), RETRY (again, per the component's inbound resiliency policy, then the
/// dead-letter topic) or DROP (to the dead-letter topic). A message without an answer when the stream ends stays
/// pending in the consumer group and is redelivered (at-least-once).
/// </summary>
internal sealed class StreamingSubscriptions(LoadedComponents components, SidecarOptions options, TimeProvider time, ILogger<StreamingSubscriptions> logger)
{
    private const string Kind = "STREAMING";

    public async Task SubscribeAsync(IAsyncStreamReader<SubscribeTopicEventsRequestAlpha1> requests, IServerStreamWriter<SubscribeTopicEventsResponseAlpha1> responses, ServerCallContext context)
    {
        if (!await requests.MoveNext(context.CancellationToken).ConfigureAwait(false)
            || requests.Current.SubscribeTopicEventsRequestTypeCase != SubscribeTopicEventsRequestAlpha1.SubscribeTopicEventsRequestTypeOneofCase.InitialRequest)
            throw new RpcException(new Status(StatusCode.InvalidArgument, "ERR_MALFORMED_REQUEST: the first message must be an initial_request"));
        var initial = requests.Current.InitialRequest;
        if (string.IsNullOrEmpty(initial.PubsubName)) throw new RpcException(new Status(StatusCode.InvalidArgument, "ERR_MALFORMED_REQUEST: initial_request.pubsub_name is required"));
        if (string.IsNullOrEmpty(initial.Topic)) throw new RpcException(new Status(StatusCode.InvalidArgument, "ERR_MALFORMED_REQUEST: initial_request.topic is required"));
        var pubsub = components.PubSub(initial.PubsubName)
            ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"ERR_PUBSUB_NOT_FOUND: pubsub {initial.PubsubName} is not found"));
        var metadata = initial.Metadata.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
        var subscription = new TopicSubscription(initial.PubsubName, initial.Topic, new TopicRoutes([], initial.Topic),
            initial.HasDeadLetterTopic && initial.DeadLetterTopic.Length > 0 ? initial.DeadLetterTopic : null, metadata, Kind);

        var stream = new Stream(responses);
        await stream.WriteAsync(new SubscribeTopicEventsResponseAlpha1 { InitialResponse = new SubscribeTopicEventsResponseInitialAlpha1() }, context.CancellationToken).ConfigureAwait(false);
        SidecarLog.Subscribed(logger, options.AppId, subscription.PubSubName, subscription.Topic, Kind, subscription.DeadLetterTopic, "one event per message on the stream");

        using var end = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        var reading = Task.Run(async () =>
        {
            try
            {
                while (await requests.MoveNext(end.Token).ConfigureAwait(false))
                {
                    if (requests.Current.EventProcessed is { } processed) stream.Answer(processed.Id, processed.Status?.Status ?? ResponseStatus.Success);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException or RpcException)
            {
                // The app went away; consumption stops below and unanswered messages stay pending.
            }
            finally
            {
                await end.CancelAsync().ConfigureAwait(false);
            }
        }, CancellationToken.None);

        try
        {
            await pubsub.ConsumeAsync([subscription.Topic], options.AppId, options.InstanceId,
                (message, ct) => DeliverAsync(subscription, pubsub, stream, message, ct), end.Token).ConfigureAwait(false);
        }
        finally
        {
            await end.CancelAsync().ConfigureAwait(false);
            await reading.ConfigureAwait(false);
        }
    }

    private async Task DeliverAsync(TopicSubscription subscription, IPubSub pubsub, Stream stream, PubSubMessage message, CancellationToken cancellationToken)
    {
        var request = ToRequest(subscription, message);
        if (request is null)
        {
            SidecarLog.Expired(logger, options.AppId, pubsub.Name, message.Topic, message.Id);
            return;
        }
        var policy = components.Resiliency.InboundFor(pubsub.Name);
        for (var attempt = 1; ; attempt++)
        {
            var status = await stream.SendAsync(request, policy.Timeout, cancellationToken).ConfigureAwait(false);
            if (status == ResponseStatus.Success) return;
            if (status == ResponseStatus.Drop)
            {
                SidecarLog.Dropped(logger, options.AppId, pubsub.Name, message.Topic, message.Id, "DROP");
                await DeadLetterAsync(subscription, pubsub, message, cancellationToken).ConfigureAwait(false);
                return;
            }
            if (policy.Retry.DelayBeforeRetry(attempt) is not { } delay)
            {
                if (subscription.DeadLetterTopic is null) SidecarLog.RetriesExhausted(logger, options.AppId, pubsub.Name, message.Topic, message.Id, attempt);
                await DeadLetterAsync(subscription, pubsub, message, cancellationToken).ConfigureAwait(false);
                return;
            }
            SidecarLog.Retrying(logger, options.AppId, pubsub.Name, message.Topic, message.Id, "stream", attempt, delay);
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DeadLetterAsync(TopicSubscription subscription, IPubSub pubsub, PubSubMessage message, CancellationToken cancellationToken)
    {
        if (subscription.DeadLetterTopic is not { } deadLetter) return;
        try
        {
            await pubsub.PublishAsync(deadLetter, message.Data, cancellationToken).ConfigureAwait(false);
            SidecarLog.DeadLettered(logger, options.AppId, pubsub.Name, message.Topic, message.Id, deadLetter);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            SidecarLog.DeadLetterFailed(logger, options.AppId, pubsub.Name, deadLetter, message.Id, e);
        }
    }

    /// <summary>
    /// The <c>TopicEventRequest</c> of a message, null when its envelope has expired. With <c>rawPayload</c> (or a
    /// message that is no JSON envelope) the data is the published bytes as they are, as daprd does.
    /// </summary>
    internal TopicEventRequest? ToRequest(TopicSubscription subscription, PubSubMessage message)
    {
        var request = new TopicEventRequest
        {
            Topic = subscription.Topic,
            PubsubName = subscription.PubSubName,
            Path = "",
            SpecVersion = "1.0",
            Type = "com.dapr.event.sent",
        };
        var data = message.Data.Span;
        var trimmed = data.TrimStart(" \t\r\n"u8);
        if (subscription.RawPayload || trimmed.IsEmpty || trimmed[0] != (byte)'{')
        {
            // The message's own id (unique in its topic, the same on redelivery) rather than a fresh UUID, and its
            // bytes wrapped rather than copied: nothing writes to a message once read.
            request.Id = message.Id;
            request.DataContentType = "application/octet-stream";
            request.Data = UnsafeByteOperations.UnsafeWrap(message.Data);
            return request;
        }
        if (CloudEventEnvelope.IsExpired(data, time.GetUtcNow())) return null;
        try
        {
            using var doc = JsonDocument.Parse(message.Data);
            var extensions = new Struct();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "id": request.Id = p.Value.ToString(); break;
                    case "source": request.Source = p.Value.ToString(); break;
                    case "type": request.Type = p.Value.ToString(); break;
                    case "specversion": request.SpecVersion = p.Value.ToString(); break;
                    case "datacontenttype": request.DataContentType = p.Value.ToString(); break;
                    case "data_base64": request.Data = ByteString.FromBase64(p.Value.GetString() ?? ""); break;
                    case "data":
                        request.Data = p.Value.ValueKind == JsonValueKind.String
                            ? ByteString.CopyFrom(Encoding.UTF8.GetBytes(p.Value.GetString()!))
                            : ByteString.CopyFrom(Encoding.UTF8.GetBytes(p.Value.GetRawText()));
                        break;
                    default:
                        extensions.Fields[p.Name] = p.Value.ValueKind switch
                        {
                            JsonValueKind.String => Value.ForString(p.Value.GetString()),
                            JsonValueKind.Number => Value.ForNumber(p.Value.GetDouble()),
                            JsonValueKind.True or JsonValueKind.False => Value.ForBool(p.Value.GetBoolean()),
                            _ => Value.ForString(p.Value.GetRawText()),
                        };
                        break;
                }
            }
            if (string.IsNullOrEmpty(request.Id)) request.Id = Guid.NewGuid().ToString();
            request.Extensions = extensions;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            request.Id = Guid.NewGuid().ToString();
            request.DataContentType = "application/octet-stream";
            request.Data = ByteString.CopyFrom(data);
        }
        return request;
    }

    /// <summary>The response side of one stream: serialized writes and the answers awaited by id.</summary>
    private sealed class Stream(IServerStreamWriter<SubscribeTopicEventsResponseAlpha1> writer)
    {
        private readonly SemaphoreSlim _write = new(1, 1);
        private readonly ConcurrentDictionary<string, TaskCompletionSource<ResponseStatus>> _waiting = new(StringComparer.Ordinal);
        private long _sequence;

        private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);
        private int _queued;

        /// <summary>
        /// Writes one message. A write with others queued behind it is not flushed (gRPC's BufferHint): the last one
        /// of a burst flushes them all, so a busy stream sends many events per HTTP/2 frame and system call.
        /// </summary>
        public async Task WriteAsync(SubscribeTopicEventsResponseAlpha1 response, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _queued);
            try
            {
                await _write.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                Interlocked.Decrement(ref _queued);
                throw;
            }
            try
            {
                writer.WriteOptions = Interlocked.Decrement(ref _queued) > 0 ? Buffered : null;
                await writer.WriteAsync(response, cancellationToken).ConfigureAwait(false);
            }
            finally { _write.Release(); }
        }

        public void Answer(string id, ResponseStatus status)
        {
            if (_waiting.TryRemove(id, out var waiter)) waiter.TrySetResult(status);
        }

        /// <summary>Sends the event and waits for its answer; a timeout counts as RETRY.</summary>
        public async Task<ResponseStatus> SendAsync(TopicEventRequest request, TimeSpan? timeout, CancellationToken cancellationToken)
        {
            // Ids must be unique among the events in flight on this stream; a duplicate CloudEvent id gets a suffix.
            var waiter = new TaskCompletionSource<ResponseStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
            var sent = request;
            if (!_waiting.TryAdd(request.Id, waiter))
            {
                sent = request.Clone();
                sent.Id = $"{request.Id}#{Interlocked.Increment(ref _sequence)}";
                _waiting[sent.Id] = waiter;
            }
            try
            {
                await WriteAsync(new SubscribeTopicEventsResponseAlpha1 { EventMessage = sent }, cancellationToken).ConfigureAwait(false);
                return timeout is { } t
                    ? await waiter.Task.WaitAsync(t, cancellationToken).ConfigureAwait(false)
                    : await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return ResponseStatus.Retry;
            }
            catch (Exception e) when (e is not OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("the subscription stream ended", e, cancellationToken);
            }
            finally
            {
                _waiting.TryRemove(sent.Id, out _);
            }
        }
    }
}
