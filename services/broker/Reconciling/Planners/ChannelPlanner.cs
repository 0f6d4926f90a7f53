using Platform.Broker.Delivery;
using Platform.Broker.Resources;
using Platform.Broker.Routing;
using Platform.Broker.Streams;
using Platform.Broker.Topics;
using Platform.ControlPlane.Kinds;
using Platform.Eventing.Addressing;
using Platform.Resources.Duck;
using Platform.Resources.Messaging;
using Platform.Resources.Meta;
using CachedObject = Platform.Resources.Caching.CachedObject;

namespace Platform.Broker.Reconciling.Planners;

/// <summary>
/// Channels and InMemoryChannels (served alike) and their Subscriptions: a channel is a fan-out topic to the delivery
/// topics of its Ready subscriptions; a subscription delivers to its subscriber and sends the reply on.
/// </summary>
internal static class ChannelPlanner
{
    /// <summary>What the subscriptions give the channels and the flows.</summary>
    public sealed record SubscriptionPlan(
        Dictionary<(string, string, string), List<string>> TopicsByChannel,
        Dictionary<(string, string, string), List<SubscriberStatus>> SubscriberStatusesByChannel,
        Dictionary<(string, string), bool> Ready);

    /// <summary>Every channel object with its kind.</summary>
    public static List<(ResourceKind Kind, CachedObject Object)> Channels(IReadOnlyList<CachedObject> channels, IReadOnlyList<CachedObject> inMemoryChannels) =>
        channels.Select(o => (Kind: EventingKinds.Channel, Object: o))
            .Concat(inMemoryChannels.Select(o => (Kind: EventingKinds.InMemoryChannel, Object: o))).ToList();

    /// <summary>Plans every Subscription against the channels that exist.</summary>
    public static SubscriptionPlan PlanSubscriptions(PlanContext c, IReadOnlyList<CachedObject> subscriptions, List<(ResourceKind Kind, CachedObject Object)> channelObjects)
    {
        var subscriptionTopicsByChannel = new Dictionary<(string, string, string), List<string>>();
        var subscriberStatusesByChannel = new Dictionary<(string, string, string), List<SubscriberStatus>>();
        var channelDelivery = new Dictionary<(string, string, string), DeliverySpec?>();
        foreach (var (kind, o) in channelObjects)
            channelDelivery[(kind.Kind, o.Namespace, o.Name)] = (o.Typed as Channel)?.Spec.Delivery ?? (o.Typed as InMemoryChannel)?.Spec.Delivery;
        var subscriptionReady = new Dictionary<(string, string), bool>();
        foreach (var o in subscriptions)
        {
            if (o.Typed is not Subscription s) { c.Invalid(EventingKinds.Subscription, o, new SubscriptionStatus()); continue; }
            var status = new SubscriptionStatus { ObservedGeneration = s.Metadata.Generation, PhysicalSubscription = new PhysicalSubscription() };
            var topic = TopicNames.Subscription(o.Namespace, o.Name, o.Uid);
            string? reason = null, problem = null;
            var channelRef = s.Spec.Channel;
            var channelKind = channelRef?.Kind is "Channel" or "InMemoryChannel" ? channelRef.Kind : null;
            var channelKey = (channelKind ?? "", o.Namespace, channelRef?.Name ?? "");
            if (channelKind is null || !channelDelivery.ContainsKey(channelKey))
            {
                (reason, problem) = ("ChannelNotFound", channelRef is null ? "spec.channel is required" : $"{channelRef.Kind} {o.Namespace}/{channelRef.Name} not found");
                status.SetCondition("ChannelReady", ConditionStatus.False, c.Now, reason, problem);
            }
            else status.SetCondition("ChannelReady", ConditionStatus.True, c.Now);
            Resolution? subscriber = s.Spec.Subscriber is null ? null : c.Addresses.Resolve(s.Spec.Subscriber, o.Namespace, c.Exists);
            Resolution? reply = s.Spec.Reply is null ? null : c.Addresses.Resolve(s.Spec.Reply, o.Namespace, c.Exists);
            if (subscriber is null && reply is null) { reason ??= "SubscriberMissing"; problem ??= "set spec.subscriber or spec.reply"; }
            if (subscriber is { Uri: null } sf) { reason ??= "SubscriberResolveFailed"; problem ??= "subscriber: " + sf.Error; }
            if (reply is { Uri: null } rf) { reason ??= "ReplyResolveFailed"; problem ??= "reply: " + rf.Error; }
            var delivery = s.Spec.Delivery ?? (channelKind is null ? null : channelDelivery.GetValueOrDefault(channelKey));
            Uri? dls = null;
            if (delivery?.DeadLetterSink is { } dl)
            {
                var r = c.Addresses.Resolve(dl, o.Namespace, c.Exists);
                if (r.Uri is null) { reason ??= "DeadLetterSinkResolveFailed"; problem ??= "deadLetterSink: " + r.Error; }
                dls = r.Uri;
                status.PhysicalSubscription.DeadLetterSinkUri = r.Uri?.ToString();
            }
            status.PhysicalSubscription.SubscriberUri = subscriber?.Uri?.ToString();
            status.PhysicalSubscription.ReplyUri = reply?.Uri?.ToString();
            status.SetCondition("ReferencesResolved", problem is null || reason is "ChannelNotFound" ? ConditionStatus.True : ConditionStatus.False, c.Now,
                problem is null || reason is "ChannelNotFound" ? null : reason, problem is null || reason is "ChannelNotFound" ? null : problem);
            if (problem is not null)
            {
                status.SetCondition(ConditionTypes.Ready, ConditionStatus.False, c.Now, reason, problem);
                c.Statuses.Add(new StatusUpdate(EventingKinds.Subscription, o, status, null));
                subscriptionReady[(o.Namespace, o.Name)] = false;
                if (channelKind is not null && channelDelivery.ContainsKey(channelKey))
                    PlanContext.AddTo(subscriberStatusesByChannel, channelKey, new SubscriberStatus { Uid = o.Uid, ObservedGeneration = s.Metadata.Generation, Ready = ConditionStatus.False, Message = problem });
                continue;
            }
            status.SetCondition(ConditionTypes.Ready, ConditionStatus.True, c.Now);
            c.Statuses.Add(new StatusUpdate(EventingKinds.Subscription, o, status, topic));
            subscriptionReady[(o.Namespace, o.Name)] = true;
            var policy = DeliveryPolicy.From(delivery, null, dls, c.DefaultTimeout);
            var resource = $"Subscription {o.Namespace}/{o.Name}";
            c.Subscribers[topic] = new SubscriberRoute(new Accounting.DeliveryKey("Subscription", o.Namespace, o.Name), resource, o.Namespace, topic,
                subscriber is { Uri: { } su } ? new DeliveryTarget(resource, o.Namespace, su, policy) : null,
                reply is null ? ReplyKind.None : ReplyKind.Uri, null,
                reply is { Uri: { } ru } ? new DeliveryTarget(resource + " reply", o.Namespace, ru, policy) : null,
                Backpressure.DeliveryLimits.From(c.DefaultMaxInFlight, null, null, c.CapacityOf(s.Spec.Subscriber, o.Namespace)));
            c.Streams[topic] = StreamRole.Delivery;
            PlanContext.AddTo(subscriptionTopicsByChannel, channelKey, topic);
            PlanContext.AddTo(subscriberStatusesByChannel, channelKey, new SubscriberStatus { Uid = o.Uid, ObservedGeneration = s.Metadata.Generation, Ready = ConditionStatus.True });
        }

        return new SubscriptionPlan(subscriptionTopicsByChannel, subscriberStatusesByChannel, subscriptionReady);
    }

    /// <summary>The route of each channel to its Ready subscriptions; which channels are Ready.</summary>
    public static (Dictionary<(string, string), ChannelRoute> Routes, Dictionary<(string, string), bool> Ready) PlanChannels(PlanContext c,
        List<(ResourceKind Kind, CachedObject Object)> channelObjects, SubscriptionPlan subscriptions)
    {
        var subscriptionTopicsByChannel = subscriptions.TopicsByChannel;
        var subscriberStatusesByChannel = subscriptions.SubscriberStatusesByChannel;
        var channelRoutes = new Dictionary<(string, string), ChannelRoute>();
        var channelReady = new Dictionary<(string, string), bool>();
        foreach (var (kind, o) in channelObjects)
        {
            if (o.Typed is null) { c.Invalid(kind, o, new ChannelStatus()); continue; }
            var topic = TopicNames.Channel(o.Namespace, o.Name);
            var key = (kind.Kind, o.Namespace, o.Name);
            // A Channel and an InMemoryChannel of one name share an address; the Channel wins.
            if (kind == EventingKinds.InMemoryChannel && channelRoutes.ContainsKey((o.Namespace, o.Name))) continue;
            var subs = subscriptionTopicsByChannel.GetValueOrDefault(key) ?? [];
            channelRoutes[(o.Namespace, o.Name)] = new ChannelRoute(o.Namespace, o.Name, topic, subs);
            channelReady[(o.Namespace, o.Name)] = true;
            c.Streams[topic] = StreamRole.FanOut;
            var status = new ChannelStatus { ObservedGeneration = o.Typed.Metadata.Generation };
            var url = c.Addresses.Channel(o.Namespace, o.Name).ToString();
            status.Address = new Addressable { Name = "http", Url = url };
            status.Subscribers = subscriberStatusesByChannel.GetValueOrDefault(key);
            status.SetCondition(ConditionTypes.Addressable, ConditionStatus.True, c.Now);
            status.SetCondition(ConditionTypes.Ready, ConditionStatus.True, c.Now);
            c.Statuses.Add(new StatusUpdate(kind, o, status, topic));
        }

        return (channelRoutes, channelReady);
    }
}
