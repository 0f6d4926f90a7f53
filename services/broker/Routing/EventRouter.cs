using CloudNative.CloudEvents;
using Dapr.AppCallback.Autogen.Grpc.v1;
using Platform.Broker.Configuration;
using Platform.Broker.Delivery;
using Platform.Broker.Ingress;
using Platform.Broker.Streams;
using Platform.CloudEvents;

namespace Platform.Broker.Routing;

/// <summary>
/// What happens to each event read from a topic. Fan-out (a Broker's or Channel's topic): every matching Trigger (or
/// every Subscription) gets a copy on its own topic, then the event is acknowledged. Delivery (a Trigger's or
/// Subscription's topic): the subscriber gets it with the DeliverySpec; a reply goes back into the broker (TTL
/// decremented) or to the Subscription's reply; the event is acknowledged only after success or dead-lettering.
/// </summary>
internal sealed partial class EventRouter(
    Routes routes, EventPublisher publisher, EventDispatcher dispatcher, BrokerCounters counters, BrokerOptions options,
    TimeProvider time, ILogger<EventRouter> logger)
{
    /// <summary>Handles an event of a Broker's or Channel's topic.</summary>
    public async Task<EventOutcome> FanOutAsync(TopicEventRequest message, CancellationToken cancellationToken)
    {
        var table = routes.Current;
        IReadOnlyList<string> topics;
        if (table.BrokersByTopic.TryGetValue(message.Topic, out var broker))
        {
            if (broker.Triggers.Count == 0) return EventOutcome.Success;
            if (Decode(message) is not { } cloudEvent) return EventOutcome.Drop;
            var matched = new List<string>(broker.Triggers.Count);
            foreach (var trigger in broker.Triggers)
                if (trigger.Filter.Matches(cloudEvent)) matched.Add(trigger.Topic);
            topics = matched;
        }
        else if (table.ChannelsByTopic.TryGetValue(message.Topic, out var channel))
        {
            topics = channel.SubscriptionTopics;
        }
        else
        {
            // The broker or channel was deleted while this event waited: nobody can get it any more.
            return EventOutcome.Success;
        }
        if (topics.Count == 0) return EventOutcome.Success;
        // The copies are the bytes read, as they are (the ByteString is immutable and shared by every publish).
        var data = message.Data;
        try
        {
            if (topics.Count == 1)
            {
                await publisher.PublishAsync(topics[0], data, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var publishes = new Task[topics.Count];
                for (var i = 0; i < publishes.Length; i++) publishes[i] = publisher.PublishAsync(topics[i], data, cancellationToken);
                await Task.WhenAll(publishes).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Some copies may be out already; redelivery makes duplicates, never losses.
            LogFanOutFailed(message.Topic, e.Message);
            counters.AddRedelivery();
            return EventOutcome.Retry;
        }
        counters.AddFannedOut(topics.Count);
        return EventOutcome.Success;
    }

    /// <summary>Handles an event of a Trigger's or Subscription's topic.</summary>
    public async Task<EventOutcome> DeliverAsync(TopicEventRequest message, CancellationToken cancellationToken)
    {
        if (!routes.Current.Subscribers.TryGetValue(message.Topic, out var route)) return EventOutcome.Success;
        if (Decode(message) is not { } cloudEvent) return EventOutcome.Drop;
        var (ttl, _) = BrokerTtl.Read(cloudEvent);
        BrokerTtl.Strip(cloudEvent);
        CloudEvent? reply;
        if (route.Target is { } target)
        {
            var result = await dispatcher.DispatchAsync(cloudEvent, target, cancellationToken).ConfigureAwait(false);
            switch (result.Status)
            {
                case DispatchStatus.Failed:
                    counters.AddRedelivery();
                    return EventOutcome.Retry;
                case DispatchStatus.DeadLettered:
                    counters.AddDeadLettered();
                    return EventOutcome.Success;
                case DispatchStatus.Dropped:
                    counters.AddDropped();
                    return EventOutcome.Success;
            }
            counters.AddDelivered();
            reply = result.Reply;
        }
        else
        {
            reply = cloudEvent; // a Subscription without subscriber forwards to its reply
        }
        if (reply is null || route.Reply == ReplyKind.None) return EventOutcome.Success;
        return await ReplyAsync(route, reply, ttl, cancellationToken).ConfigureAwait(false);
    }

    private async Task<EventOutcome> ReplyAsync(SubscriberRoute route, CloudEvent reply, int? deliveredTtl, CancellationToken cancellationToken)
    {
        if (route.Reply == ReplyKind.Broker)
        {
            var ttl = BrokerTtl.ForReply(deliveredTtl, options.DefaultTtl);
            if (ttl <= 0)
            {
                counters.AddTtlDropped();
                LogReplyExpired(route.Resource, reply.Id);
                return EventOutcome.Success;
            }
            BrokerTtl.Stamp(reply, ttl, time.GetUtcNow());
            try
            {
                await publisher.PublishAsync(route.ReplyBrokerTopic!, CloudEventHttp.Formatter.EncodeStructuredModeMessage(reply, out _), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogReplyFailed(route.Resource, reply.Id, e.Message);
                counters.AddRedelivery();
                return EventOutcome.Retry;
            }
            counters.AddReply();
            return EventOutcome.Success;
        }
        var sent = await dispatcher.DispatchAsync(reply, route.ReplyTarget!, cancellationToken).ConfigureAwait(false);
        if (sent.Status == DispatchStatus.Failed)
        {
            counters.AddRedelivery();
            return EventOutcome.Retry;
        }
        if (sent.Status == DispatchStatus.Delivered) counters.AddReply();
        return EventOutcome.Success;
    }

    private CloudEvent? Decode(TopicEventRequest message)
    {
        try
        {
            return CloudEventHttp.Formatter.DecodeStructuredModeMessage(message.Data.Memory, new System.Net.Mime.ContentType(CloudEventHttp.StructuredJsonMediaType), null);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            LogUndecodable(message.Topic, message.Id, e.Message);
            return null;
        }
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "topic {Topic}: fan-out failed ({Error}); asking for redelivery")]
    private partial void LogFanOutFailed(string topic, string error);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "{Resource}: reply {EventId} dropped: its TTL ran out")]
    private partial void LogReplyExpired(string resource, string? eventId);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "{Resource}: reply {EventId} could not be re-ingested ({Error}); asking for redelivery")]
    private partial void LogReplyFailed(string resource, string? eventId, string error);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "topic {Topic}: message {MessageId} is not a structured CloudEvent ({Error}); dropped to the dead-letter topic")]
    private partial void LogUndecodable(string topic, string messageId, string error);
}
