using CloudNative.CloudEvents;
using Dapr.AppCallback.Autogen.Grpc.v1;
using Google.Protobuf;
using Platform.Broker.Configuration;
using Platform.Broker.Delivery;
using Platform.Broker.Ingress;
using Platform.Broker.Streams;
using Platform.CloudEvents;

namespace Platform.Broker.Routing;

/// <summary>
/// Where each event goes. Routing (at ingress, for replies, and for what others publish on a Broker's or Channel's own
/// topic): every matching Trigger (or every Subscription) gets a copy on its own topic. Delivery (a Trigger's or
/// Subscription's topic): the subscriber gets it with the DeliverySpec; a reply goes back into the broker (TTL
/// decremented) or to the Subscription's reply; the event is acknowledged only after success or dead-lettering.
/// </summary>
internal sealed partial class EventRouter(
    Routes routes, EventPublisher publisher, EventDispatcher dispatcher, BrokerCounters counters, Accounting.DeliveryLedger ledger, BrokerOptions options,
    TimeProvider time, Telemetry.BrokerTelemetry telemetry, ILogger<EventRouter> logger)
{
    /// <summary>
    /// Routes an event that arrived at <paramref name="broker"/> (its ingress, or a reply): every Ready trigger whose
    /// filter matches gets a copy — the same bytes — on its own topic, all published together; completes when every
    /// copy was accepted by the pub/sub component (throws otherwise: some copies may be out, so a retry by the producer
    /// makes duplicates, never losses). Returns how many triggers matched; none is not an error (as in Knative).
    /// </summary>
    public async Task<int> RouteAsync(BrokerRoute broker, CloudEvent cloudEvent, ByteString structuredEvent, CancellationToken cancellationToken)
    {
        var triggers = broker.Triggers;
        using var hop = Telemetry.BrokerTelemetry.StartHop("fan-out", cloudEvent, $"Broker {broker.Namespace}/{broker.Name}");
        List<TriggerRoute>? matched = null;
        foreach (var trigger in triggers)
            if (trigger.Filter.Matches(cloudEvent)) (matched ??= new List<TriggerRoute>(triggers.Count)).Add(trigger);
        if (matched is null) return 0;
        await PublishAllAsync(matched.Select(t => t.Topic), matched.Count, structuredEvent, cancellationToken).ConfigureAwait(false);
        return matched.Count;
    }

    /// <summary>Routes an event that arrived at <paramref name="channel"/>: every Ready subscription gets a copy on its own topic.</summary>
    public Task RouteAsync(ChannelRoute channel, ByteString structuredEvent, CancellationToken cancellationToken) =>
        PublishAllAsync(channel.SubscriptionTopics, channel.SubscriptionTopics.Count, structuredEvent, cancellationToken);

    private async Task PublishAllAsync(IEnumerable<string> topics, int count, ByteString data, CancellationToken cancellationToken)
    {
        if (count == 0) return;
        var table = routes.Current;
        var publishes = new List<Task>(count);
        foreach (var topic in topics) publishes.Add(publisher.PublishAsync(topic, data, cancellationToken));
        await Task.WhenAll(publishes).ConfigureAwait(false);
        counters.AddFannedOut(count);
        foreach (var topic in topics)
            if (table.Subscribers.TryGetValue(topic, out var subscriber)) ledger.For(subscriber.Key).Accepted();
    }

    /// <summary>
    /// Handles an event of a Broker's or Channel's own topic. Ingress routes events straight to the trigger and
    /// subscription topics, so nothing of ours publishes here any more; this drains what others put there (a Dapr app
    /// publishing to <c>kn-broker-{ns}-{name}</c>, or an older broker's backlog), routing it the same way.
    /// </summary>
    public async Task<EventOutcome> FanOutAsync(TopicEventRequest message, CancellationToken cancellationToken)
    {
        var table = routes.Current;
        try
        {
            if (table.BrokersByTopic.TryGetValue(message.Topic, out var broker))
            {
                if (broker.Triggers.Count == 0) return EventOutcome.Success;
                if (Decode(message) is not { } cloudEvent) return EventOutcome.Drop;
                await RouteAsync(broker, cloudEvent, message.Data, cancellationToken).ConfigureAwait(false);
            }
            else if (table.ChannelsByTopic.TryGetValue(message.Topic, out var channel))
            {
                await RouteAsync(channel, message.Data, cancellationToken).ConfigureAwait(false);
            }
            // Otherwise the broker or channel was deleted while this event waited: nobody can get it any more.
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFanOutFailed(message.Topic, e.Message);
            counters.AddRedelivery();
            return EventOutcome.Retry;
        }
        return EventOutcome.Success;
    }

    /// <summary>Handles an event of a Trigger's or Subscription's topic.</summary>
    public async Task<EventOutcome> DeliverAsync(TopicEventRequest message, CancellationToken cancellationToken)
    {
        if (!routes.Current.Subscribers.TryGetValue(message.Topic, out var route)) return EventOutcome.Success;
        var account = ledger.For(route.Key);
        account.Started();
        try
        {
            return await DeliverAsync(message, route, account, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            account.Finished();
        }
    }

    private async Task<EventOutcome> DeliverAsync(TopicEventRequest message, SubscriberRoute route, Accounting.DeliveryCounters account, CancellationToken cancellationToken)
    {
        if (Decode(message) is not { } cloudEvent) return EventOutcome.Drop;
        var (ttl, _) = BrokerTtl.Read(cloudEvent);
        BrokerTtl.Strip(cloudEvent);
        CloudEvent? reply;
        if (route.Target is { } target)
        {
            using var hop = Telemetry.BrokerTelemetry.StartHop("deliver", cloudEvent, route.Resource);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var result = await dispatcher.DispatchAsync(cloudEvent, target, cancellationToken, account).ConfigureAwait(false);
            telemetry.Delivered(route.Resource, result, System.Diagnostics.Stopwatch.GetElapsedTime(started));
            hop?.SetTag("platform.delivery.outcome", result.Status.ToString());
            switch (result.Status)
            {
                case DispatchStatus.Failed:
                    counters.AddRedelivery();
                    account.Redelivered();
                    return EventOutcome.Retry;
                case DispatchStatus.DeadLettered:
                    counters.AddDeadLettered();
                    account.DeadLettered();
                    return EventOutcome.Success;
                case DispatchStatus.Dropped:
                    counters.AddDropped();
                    account.Dropped();
                    return EventOutcome.Success;
            }
            counters.AddDelivered();
            account.Delivered();
            reply = result.Reply;
        }
        else
        {
            // A Subscription without subscriber forwards to its reply: that is its delivery.
            if (route.Reply == ReplyKind.None) { account.Delivered(); return EventOutcome.Success; }
            var forwarded = await ReplyAsync(route, cloudEvent, ttl, cancellationToken).ConfigureAwait(false);
            if (forwarded == EventOutcome.Success) account.Delivered();
            else account.Redelivered();
            return forwarded;
        }
        if (reply is null || route.Reply == ReplyKind.None) return EventOutcome.Success;
        // A reply without its own trace context continues the event's trace.
        if (reply[Telemetry.BrokerTelemetry.TraceParentAttribute] is null && cloudEvent[Telemetry.BrokerTelemetry.TraceParentAttribute] is string traceParent)
            reply[Telemetry.BrokerTelemetry.TraceParentAttribute] = traceParent;
        var replied = await ReplyAsync(route, reply, ttl, cancellationToken).ConfigureAwait(false);
        if (replied != EventOutcome.Success) account.Redelivered(); // delivered, but its reply could not go on: sent again
        return replied;
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
            // The reply is routed as an event arriving at the broker: straight to the matching triggers' topics.
            if (!routes.Current.BrokersByTopic.TryGetValue(route.ReplyBrokerTopic!, out var broker)) return EventOutcome.Success;
            try
            {
                await RouteAsync(broker, reply, UnsafeByteOperations.UnsafeWrap(CloudEventHttp.Formatter.EncodeStructuredModeMessage(reply, out _)), cancellationToken).ConfigureAwait(false);
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
            return StructuredEventReader.Decode(message.Data.Memory);
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
