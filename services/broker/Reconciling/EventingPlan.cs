using Platform.Broker.Delivery;
using Platform.Broker.Addressing;
using Platform.Broker.Resources;
using Platform.Broker.Routing;
using Platform.Broker.Streams;
using Platform.Broker.Topics;
using Platform.Eventing.Filters.Filters;
using Platform.Resources.Duck;
using Platform.Resources.Eventing;
using Platform.Resources.Flows;
using Platform.Resources.Messaging;
using Platform.Resources.Meta;
using Platform.ControlPlane.Kinds;
using FlowParallel = Platform.Resources.Flows.Parallel;
using EventBroker = Platform.Resources.Eventing.Broker;

namespace Platform.Broker.Reconciling;

/// <summary>The resources the plan is built from, one list per kind.</summary>
public sealed record EventingInputs(
    IReadOnlyList<CachedObject> Brokers,
    IReadOnlyList<CachedObject> Triggers,
    IReadOnlyList<CachedObject> Channels,
    IReadOnlyList<CachedObject> InMemoryChannels,
    IReadOnlyList<CachedObject> Subscriptions,
    IReadOnlyList<CachedObject> Sequences,
    IReadOnlyList<CachedObject> Parallels,
    IReadOnlyList<CachedObject> Services)
{
    /// <summary>Reads every list from the cache.</summary>
    public static EventingInputs From(ResourceCache cache) => new(
        cache.Snapshot(EventingKinds.Broker), cache.Snapshot(EventingKinds.Trigger), cache.Snapshot(EventingKinds.Channel),
        cache.Snapshot(EventingKinds.InMemoryChannel), cache.Snapshot(EventingKinds.Subscription), cache.Snapshot(EventingKinds.Sequence),
        cache.Snapshot(EventingKinds.Parallel), cache.Snapshot(EventingKinds.Service));
}

/// <summary>A status to write: the object, its new status, and the topic whose stream must be open for Ready=True.</summary>
public sealed record StatusUpdate(ResourceKind Kind, CachedObject Object, KnativeStatus Status, string? RequiredTopic);

/// <summary>
/// Pure: from the resources, the routing table, the streams to run and every status. A resource that cannot be
/// served (unknown broker, bad filter, unresolvable subscriber) gets Ready=False with a reason and no route; the
/// others are unaffected.
/// </summary>
public sealed record EventingPlan(RoutingTable Table, IReadOnlyDictionary<string, StreamRole> Streams, IReadOnlyList<StatusUpdate> Statuses)
{
    /// <summary>Builds the plan.</summary>
    public static EventingPlan Build(EventingInputs inputs, Addresses addresses, TimeSpan defaultTimeout, DateTimeOffset now)
    {
        var exists = Existence(inputs);
        var statuses = new List<StatusUpdate>();
        var streams = new Dictionary<string, StreamRole>(StringComparer.Ordinal);
        var subscribers = new Dictionary<string, SubscriberRoute>(StringComparer.Ordinal);

        // Brokers.
        var brokers = new Dictionary<(string, string), EventBroker>();
        foreach (var o in inputs.Brokers)
        {
            if (o.Typed is not EventBroker b) { statuses.Add(Invalid(EventingKinds.Broker, o, new BrokerStatus(), now)); continue; }
            brokers[(o.Namespace, o.Name)] = b;
        }

        // Triggers.
        var triggersByBroker = new Dictionary<(string, string), List<TriggerRoute>>();
        foreach (var o in inputs.Triggers)
        {
            if (o.Typed is not Trigger t) { statuses.Add(Invalid(EventingKinds.Trigger, o, new TriggerStatus(), now)); continue; }
            var status = new TriggerStatus { ObservedGeneration = t.Metadata.Generation };
            var brokerName = string.IsNullOrEmpty(t.Spec.Broker) ? "default" : t.Spec.Broker;
            var topic = TopicNames.Trigger(o.Namespace, o.Name, o.Uid);
            string? problem = null, reason = null;
            if (!brokers.TryGetValue((o.Namespace, brokerName), out var broker))
            {
                (reason, problem) = ("BrokerDoesNotExist", $"Broker {o.Namespace}/{brokerName} does not exist");
                status.SetCondition("BrokerReady", ConditionStatus.False, now, reason, problem);
            }
            else status.SetCondition("BrokerReady", ConditionStatus.True, now);

            Platform.Eventing.Filters.Filters.TriggerFilter? filter = null;
            if (!TriggerFilterBuilder.TryBuild(t.Spec.Filter?.Attributes, t.Spec.Filters, out filter, out var filterErrors))
            {
                reason ??= "FilterInvalid";
                problem ??= string.Join("; ", filterErrors);
            }
            var subscriber = addresses.Resolve(t.Spec.Subscriber, o.Namespace, exists);
            if (subscriber.Uri is { } uri)
            {
                status.SubscriberUri = uri.ToString();
                status.SetCondition("SubscriberResolved", ConditionStatus.True, now);
            }
            else
            {
                status.SetCondition("SubscriberResolved", ConditionStatus.False, now, "Unable to get the Subscriber's URI", subscriber.Error);
                reason ??= "SubscriberResolveFailed";
                problem ??= "subscriber: " + subscriber.Error;
            }
            var deadLetter = t.Spec.Delivery?.DeadLetterSink ?? broker?.Spec.Delivery?.DeadLetterSink;
            Uri? dls = null;
            if (deadLetter is not null)
            {
                var r = addresses.Resolve(deadLetter, o.Namespace, exists);
                if (r.Uri is null) { reason ??= "DeadLetterSinkResolveFailed"; problem ??= "deadLetterSink: " + r.Error; }
                else { dls = r.Uri; status.DeadLetterSinkUri = r.Uri.ToString(); }
                status.SetCondition("DeadLetterSinkResolved", r.Uri is null ? ConditionStatus.False : ConditionStatus.True, now, r.Uri is null ? "Unable to get the dead letter sink's URI" : null, r.Error);
            }
            if (problem is not null)
            {
                status.SetCondition(ConditionTypes.Ready, ConditionStatus.False, now, reason, problem);
                statuses.Add(new StatusUpdate(EventingKinds.Trigger, o, status, null));
                continue;
            }
            status.SetCondition(ConditionTypes.Ready, ConditionStatus.True, now);
            statuses.Add(new StatusUpdate(EventingKinds.Trigger, o, status, topic));
            var policy = DeliveryPolicy.From(t.Spec.Delivery, broker!.Spec.Delivery, dls, defaultTimeout);
            var resource = $"Trigger {o.Namespace}/{o.Name}";
            var brokerKey = (o.Namespace, brokerName);
            if (!triggersByBroker.TryGetValue(brokerKey, out var list)) triggersByBroker[brokerKey] = list = [];
            list.Add(new TriggerRoute(o.Name, filter!, topic));
            subscribers[topic] = new SubscriberRoute(resource, o.Namespace, topic, new DeliveryTarget(resource, o.Namespace, subscriber.Uri!, policy),
                ReplyKind.Broker, TopicNames.Broker(o.Namespace, brokerName), null);
            streams[topic] = StreamRole.Delivery;
        }

        var brokerRoutes = new Dictionary<(string, string), BrokerRoute>();
        foreach (var o in inputs.Brokers)
        {
            if (o.Typed is not EventBroker b) continue;
            var topic = TopicNames.Broker(o.Namespace, o.Name);
            var route = new BrokerRoute(o.Namespace, o.Name, topic, triggersByBroker.GetValueOrDefault((o.Namespace, o.Name)) ?? []);
            brokerRoutes[(o.Namespace, o.Name)] = route;
            streams[topic] = StreamRole.FanOut;
            var status = new BrokerStatus { ObservedGeneration = b.Metadata.Generation };
            var url = addresses.Broker(o.Namespace, o.Name).ToString();
            status.Address = new Addressable { Name = "http", Url = url };
            status.Addresses = [new Addressable { Name = "http", Url = url }];
            status.SetCondition(ConditionTypes.Addressable, ConditionStatus.True, now);
            if (b.Spec.Delivery?.DeadLetterSink is { } dl)
            {
                var r = addresses.Resolve(dl, o.Namespace, exists);
                status.DeadLetterSinkUri = r.Uri?.ToString();
                status.SetCondition("DeadLetterSinkResolved", r.Uri is null ? ConditionStatus.False : ConditionStatus.True, now, r.Uri is null ? "Unable to get the dead letter sink's URI" : null, r.Error);
            }
            status.SetCondition(ConditionTypes.Ready, ConditionStatus.True, now);
            statuses.Add(new StatusUpdate(EventingKinds.Broker, o, status, topic));
        }

        // Channels (Channel and InMemoryChannel are served alike) and their Subscriptions.
        var channelObjects = inputs.Channels.Select(o => (Kind: EventingKinds.Channel, Object: o))
            .Concat(inputs.InMemoryChannels.Select(o => (Kind: EventingKinds.InMemoryChannel, Object: o))).ToList();
        var subscriptionTopicsByChannel = new Dictionary<(string, string, string), List<string>>();
        var subscriberStatusesByChannel = new Dictionary<(string, string, string), List<SubscriberStatus>>();
        var channelDelivery = new Dictionary<(string, string, string), DeliverySpec?>();
        foreach (var (kind, o) in channelObjects)
            channelDelivery[(kind.Kind, o.Namespace, o.Name)] = (o.Typed as Channel)?.Spec.Delivery ?? (o.Typed as InMemoryChannel)?.Spec.Delivery;
        var subscriptionReady = new Dictionary<(string, string), bool>();
        foreach (var o in inputs.Subscriptions)
        {
            if (o.Typed is not Subscription s) { statuses.Add(Invalid(EventingKinds.Subscription, o, new SubscriptionStatus(), now)); continue; }
            var status = new SubscriptionStatus { ObservedGeneration = s.Metadata.Generation, PhysicalSubscription = new PhysicalSubscription() };
            var topic = TopicNames.Subscription(o.Namespace, o.Name, o.Uid);
            string? reason = null, problem = null;
            var channelRef = s.Spec.Channel;
            var channelKind = channelRef?.Kind is "Channel" or "InMemoryChannel" ? channelRef.Kind : null;
            var channelKey = (channelKind ?? "", o.Namespace, channelRef?.Name ?? "");
            if (channelKind is null || !channelDelivery.ContainsKey(channelKey))
            {
                (reason, problem) = ("ChannelNotFound", channelRef is null ? "spec.channel is required" : $"{channelRef.Kind} {o.Namespace}/{channelRef.Name} not found");
                status.SetCondition("ChannelReady", ConditionStatus.False, now, reason, problem);
            }
            else status.SetCondition("ChannelReady", ConditionStatus.True, now);
            Resolution? subscriber = s.Spec.Subscriber is null ? null : addresses.Resolve(s.Spec.Subscriber, o.Namespace, exists);
            Resolution? reply = s.Spec.Reply is null ? null : addresses.Resolve(s.Spec.Reply, o.Namespace, exists);
            if (subscriber is null && reply is null) { reason ??= "SubscriberMissing"; problem ??= "set spec.subscriber or spec.reply"; }
            if (subscriber is { Uri: null } sf) { reason ??= "SubscriberResolveFailed"; problem ??= "subscriber: " + sf.Error; }
            if (reply is { Uri: null } rf) { reason ??= "ReplyResolveFailed"; problem ??= "reply: " + rf.Error; }
            var delivery = s.Spec.Delivery ?? (channelKind is null ? null : channelDelivery.GetValueOrDefault(channelKey));
            Uri? dls = null;
            if (delivery?.DeadLetterSink is { } dl)
            {
                var r = addresses.Resolve(dl, o.Namespace, exists);
                if (r.Uri is null) { reason ??= "DeadLetterSinkResolveFailed"; problem ??= "deadLetterSink: " + r.Error; }
                dls = r.Uri;
                status.PhysicalSubscription.DeadLetterSinkUri = r.Uri?.ToString();
            }
            status.PhysicalSubscription.SubscriberUri = subscriber?.Uri?.ToString();
            status.PhysicalSubscription.ReplyUri = reply?.Uri?.ToString();
            status.SetCondition("ReferencesResolved", problem is null || reason is "ChannelNotFound" ? ConditionStatus.True : ConditionStatus.False, now,
                problem is null || reason is "ChannelNotFound" ? null : reason, problem is null || reason is "ChannelNotFound" ? null : problem);
            if (problem is not null)
            {
                status.SetCondition(ConditionTypes.Ready, ConditionStatus.False, now, reason, problem);
                statuses.Add(new StatusUpdate(EventingKinds.Subscription, o, status, null));
                subscriptionReady[(o.Namespace, o.Name)] = false;
                if (channelKind is not null && channelDelivery.ContainsKey(channelKey))
                    AddTo(subscriberStatusesByChannel, channelKey, new SubscriberStatus { Uid = o.Uid, ObservedGeneration = s.Metadata.Generation, Ready = ConditionStatus.False, Message = problem });
                continue;
            }
            status.SetCondition(ConditionTypes.Ready, ConditionStatus.True, now);
            statuses.Add(new StatusUpdate(EventingKinds.Subscription, o, status, topic));
            subscriptionReady[(o.Namespace, o.Name)] = true;
            var policy = DeliveryPolicy.From(delivery, null, dls, defaultTimeout);
            var resource = $"Subscription {o.Namespace}/{o.Name}";
            subscribers[topic] = new SubscriberRoute(resource, o.Namespace, topic,
                subscriber is { Uri: { } su } ? new DeliveryTarget(resource, o.Namespace, su, policy) : null,
                reply is null ? ReplyKind.None : ReplyKind.Uri, null,
                reply is { Uri: { } ru } ? new DeliveryTarget(resource + " reply", o.Namespace, ru, policy) : null);
            streams[topic] = StreamRole.Delivery;
            AddTo(subscriptionTopicsByChannel, channelKey, topic);
            AddTo(subscriberStatusesByChannel, channelKey, new SubscriberStatus { Uid = o.Uid, ObservedGeneration = s.Metadata.Generation, Ready = ConditionStatus.True });
        }

        var channelRoutes = new Dictionary<(string, string), ChannelRoute>();
        var channelReady = new Dictionary<(string, string), bool>();
        foreach (var (kind, o) in channelObjects)
        {
            if (o.Typed is null) { statuses.Add(Invalid(kind, o, new ChannelStatus(), now)); continue; }
            var topic = TopicNames.Channel(o.Namespace, o.Name);
            var key = (kind.Kind, o.Namespace, o.Name);
            // A Channel and an InMemoryChannel of one name share an address; the Channel wins.
            if (kind == EventingKinds.InMemoryChannel && channelRoutes.ContainsKey((o.Namespace, o.Name))) continue;
            var subs = subscriptionTopicsByChannel.GetValueOrDefault(key) ?? [];
            channelRoutes[(o.Namespace, o.Name)] = new ChannelRoute(o.Namespace, o.Name, topic, subs);
            channelReady[(o.Namespace, o.Name)] = true;
            streams[topic] = StreamRole.FanOut;
            var status = new ChannelStatus { ObservedGeneration = o.Typed.Metadata.Generation };
            var url = addresses.Channel(o.Namespace, o.Name).ToString();
            status.Address = new Addressable { Name = "http", Url = url };
            status.Subscribers = subscriberStatusesByChannel.GetValueOrDefault(key);
            status.SetCondition(ConditionTypes.Addressable, ConditionStatus.True, now);
            status.SetCondition(ConditionTypes.Ready, ConditionStatus.True, now);
            statuses.Add(new StatusUpdate(kind, o, status, topic));
        }

        // Sequences and Parallels: ready when their children (created by FlowChildren) are.
        foreach (var o in inputs.Sequences)
        {
            if (o.Typed is not Sequence seq) { statuses.Add(Invalid(EventingKinds.Sequence, o, new SequenceStatus(), now)); continue; }
            var steps = seq.Spec.Steps?.Count ?? 0;
            var status = new SequenceStatus { ObservedGeneration = seq.Metadata.Generation, SubscriptionStatuses = [], ChannelStatuses = [] };
            var missing = new List<string>();
            for (var i = 0; i < steps; i++)
            {
                var child = Addresses.SequenceChild(o.Name, i);
                var chOk = channelReady.GetValueOrDefault((o.Namespace, child));
                var subOk = subscriptionReady.GetValueOrDefault((o.Namespace, child));
                status.ChannelStatuses.Add(new FlowChannelStatus { Channel = new KReference { ApiVersion = MessagingApi.V1, Kind = "InMemoryChannel", Name = child, Namespace = o.Namespace }, Ready = Cond(chOk, now) });
                status.SubscriptionStatuses.Add(new FlowSubscriptionStatus { Subscription = new KReference { ApiVersion = MessagingApi.V1, Kind = "Subscription", Name = child, Namespace = o.Namespace }, Ready = Cond(subOk, now) });
                if (!chOk || !subOk) missing.Add(child);
            }
            FlowReady(status, missing, steps == 0 ? "spec.steps is empty" : null, addresses.Sequence(o.Namespace, o.Name), now);
            statuses.Add(new StatusUpdate(EventingKinds.Sequence, o, status, null));
        }
        foreach (var o in inputs.Parallels)
        {
            if (o.Typed is not FlowParallel par) { statuses.Add(Invalid(EventingKinds.Parallel, o, new ParallelStatus(), now)); continue; }
            var branches = par.Spec.Branches?.Count ?? 0;
            var ingress = Addresses.ParallelIngress(o.Name);
            var status = new ParallelStatus
            {
                ObservedGeneration = par.Metadata.Generation,
                IngressChannelStatus = new FlowChannelStatus { Channel = new KReference { ApiVersion = MessagingApi.V1, Kind = "InMemoryChannel", Name = ingress, Namespace = o.Namespace }, Ready = Cond(channelReady.GetValueOrDefault((o.Namespace, ingress)), now) },
                BranchStatuses = [],
            };
            var missing = new List<string>();
            if (!channelReady.GetValueOrDefault((o.Namespace, ingress))) missing.Add(ingress);
            for (var i = 0; i < branches; i++)
            {
                var ch = Addresses.ParallelBranch(o.Name, i);
                var filter = Addresses.ParallelFilter(o.Name, i);
                bool chOk = channelReady.GetValueOrDefault((o.Namespace, ch)), subOk = subscriptionReady.GetValueOrDefault((o.Namespace, ch)), fOk = subscriptionReady.GetValueOrDefault((o.Namespace, filter));
                status.BranchStatuses.Add(new ParallelBranchStatus
                {
                    FilterChannelStatus = new FlowChannelStatus { Channel = new KReference { ApiVersion = MessagingApi.V1, Kind = "InMemoryChannel", Name = ch, Namespace = o.Namespace }, Ready = Cond(chOk, now) },
                    FilterSubscriptionStatus = new FlowSubscriptionStatus { Subscription = new KReference { ApiVersion = MessagingApi.V1, Kind = "Subscription", Name = filter, Namespace = o.Namespace }, Ready = Cond(fOk, now) },
                    SubscriptionStatus = new FlowSubscriptionStatus { Subscription = new KReference { ApiVersion = MessagingApi.V1, Kind = "Subscription", Name = ch, Namespace = o.Namespace }, Ready = Cond(subOk, now) },
                });
                if (!chOk) missing.Add(ch);
                if (!subOk) missing.Add(ch + " (subscription)");
                if (!fOk) missing.Add(filter);
            }
            FlowReady(status, missing, branches == 0 ? "spec.branches is empty" : null, addresses.Parallel(o.Namespace, o.Name), now);
            statuses.Add(new StatusUpdate(EventingKinds.Parallel, o, status, null));
        }

        var table = new RoutingTable(
            brokerRoutes, channelRoutes,
            brokerRoutes.Values.ToDictionary(b => b.Topic, StringComparer.Ordinal),
            channelRoutes.Values.ToDictionary(c => c.Topic, StringComparer.Ordinal),
            subscribers);
        return new EventingPlan(table, streams, statuses);
    }

    private static void FlowReady(AddressableStatus status, List<string> missing, string? invalid, Uri address, DateTimeOffset now)
    {
        status.Address = new Addressable { Name = "http", Url = address.ToString() };
        if (invalid is not null) status.SetCondition(ConditionTypes.Ready, ConditionStatus.False, now, "InvalidSpec", invalid);
        else if (missing.Count > 0) status.SetCondition(ConditionTypes.Ready, ConditionStatus.False, now, "ChildrenNotReady", "not ready: " + string.Join(", ", missing));
        else status.SetCondition(ConditionTypes.Ready, ConditionStatus.True, now);
    }

    private static Condition Cond(bool ready, DateTimeOffset now) =>
        new() { Type = ConditionTypes.Ready, Status = ready ? ConditionStatus.True : ConditionStatus.Unknown, LastTransitionTime = now };

    private static void AddTo<TKey, TValue>(Dictionary<TKey, List<TValue>> map, TKey key, TValue value) where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list)) map[key] = list = [];
        list.Add(value);
    }

    private static StatusUpdate Invalid(ResourceKind kind, CachedObject o, KnativeStatus status, DateTimeOffset now)
    {
        status.SetCondition(ConditionTypes.Ready, ConditionStatus.False, now, "InvalidSpec", o.ReadError ?? "the object does not fit the model");
        return new StatusUpdate(kind, o, status, null);
    }

    private static Func<string, string, string, bool> Existence(EventingInputs inputs)
    {
        var names = new HashSet<(string, string, string)>();
        void Add(string kind, IEnumerable<CachedObject> objects) { foreach (var o in objects) names.Add((kind, o.Namespace, o.Name)); }
        Add("Broker", inputs.Brokers);
        Add("Channel", inputs.Channels);
        Add("InMemoryChannel", inputs.InMemoryChannels);
        Add("Sequence", inputs.Sequences);
        Add("Parallel", inputs.Parallels);
        Add("Service", inputs.Services);
        return (kind, ns, name) => names.Contains((kind, ns, name));
    }
}
