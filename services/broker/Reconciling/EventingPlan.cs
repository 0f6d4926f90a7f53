using Platform.Broker.Reconciling.Planners;
using Platform.Broker.Resources;
using Platform.Broker.Routing;
using Platform.Broker.Streams;
using Platform.ControlPlane.Kinds;
using Platform.Eventing.Addressing;
using Platform.Resources.Meta;
using CachedObject = Platform.Resources.Caching.CachedObject;

namespace Platform.Broker.Reconciling;

/// <summary>The resources the plan is built from, one list per kind.</summary>
internal sealed record EventingInputs(
    IReadOnlyList<CachedObject> Brokers,
    IReadOnlyList<CachedObject> Triggers,
    IReadOnlyList<CachedObject> Channels,
    IReadOnlyList<CachedObject> InMemoryChannels,
    IReadOnlyList<CachedObject> Subscriptions,
    IReadOnlyList<CachedObject> Sequences,
    IReadOnlyList<CachedObject> Parallels,
    IReadOnlyList<CachedObject> Services,
    IReadOnlyList<CachedObject> PodAutoscalers)
{
    /// <summary>Reads every list from the cache.</summary>
    public static EventingInputs From(ResourceCache cache) => new(
        cache.Snapshot(EventingKinds.Broker), cache.Snapshot(EventingKinds.Trigger), cache.Snapshot(EventingKinds.Channel),
        cache.Snapshot(EventingKinds.InMemoryChannel), cache.Snapshot(EventingKinds.Subscription), cache.Snapshot(EventingKinds.Sequence),
        cache.Snapshot(EventingKinds.Parallel), cache.Snapshot(EventingKinds.Service), cache.Snapshot(EventingKinds.PodAutoscaler));
}

/// <summary>A status to write: the object, its new status, and the topic whose stream must be open for Ready=True.</summary>
internal sealed record StatusUpdate(ResourceKind Kind, CachedObject Object, KnativeStatus Status, string? RequiredTopic);

/// <summary>
/// Pure: from the resources, the routing table, the streams to run and every status. A resource that cannot be
/// served (unknown broker, bad filter, unresolvable subscriber) gets Ready=False with a reason and no route; the
/// others are unaffected.
/// </summary>
internal sealed record EventingPlan(RoutingTable Table, IReadOnlyDictionary<string, StreamRole> Streams, IReadOnlyList<StatusUpdate> Statuses)
{
    /// <summary>Builds the plan, one planner per kind (<c>Planners/</c>), in dependency order.</summary>
    public static EventingPlan Build(EventingInputs inputs, Addresses addresses, TimeSpan defaultTimeout, DateTimeOffset now, int defaultMaxInFlight = 10)
    {
        var c = new PlanContext(addresses, Existence(inputs), defaultTimeout, now) { DefaultMaxInFlight = defaultMaxInFlight, ServiceCapacity = Capacities(inputs) };
        var brokers = BrokerPlanner.Typed(c, inputs.Brokers);
        var triggersByBroker = TriggerPlanner.Plan(c, inputs.Triggers, brokers);
        var brokerRoutes = BrokerPlanner.Plan(c, inputs.Brokers, triggersByBroker);
        var channelObjects = ChannelPlanner.Channels(inputs.Channels, inputs.InMemoryChannels);
        var subscriptions = ChannelPlanner.PlanSubscriptions(c, inputs.Subscriptions, channelObjects);
        var (channelRoutes, channelReady) = ChannelPlanner.PlanChannels(c, channelObjects, subscriptions);
        FlowPlanner.PlanSequences(c, inputs.Sequences, channelReady, subscriptions.Ready);
        FlowPlanner.PlanParallels(c, inputs.Parallels, channelReady, subscriptions.Ready);

        var table = new RoutingTable(
            brokerRoutes, channelRoutes,
            brokerRoutes.Values.ToDictionary(b => b.Topic, StringComparer.Ordinal),
            channelRoutes.Values.ToDictionary(r => r.Topic, StringComparer.Ordinal),
            c.Subscribers);
        return new EventingPlan(table, c.Streams, c.Statuses);
    }

    /// <summary>What each Knative Service can take at once, from its traffic and its revisions' PodAutoscalers.</summary>
    private static Func<string, string, int?> Capacities(EventingInputs inputs)
    {
        var autoscalers = new Dictionary<(string, string), Platform.Resources.Autoscaling.PodAutoscaler>();
        foreach (var o in inputs.PodAutoscalers)
            if (o.Typed is Platform.Resources.Autoscaling.PodAutoscaler pa) autoscalers[(o.Namespace, o.Name)] = pa;
        var capacities = new Dictionary<(string, string), int?>();
        foreach (var o in inputs.Services)
        {
            if (o.Typed is not Platform.Resources.Serving.Service service) continue;
            var revisions = (service.Status?.Traffic ?? []).Select(t =>
            {
                var pa = t.RevisionName is { } rev ? autoscalers.GetValueOrDefault((o.Namespace, rev)) : null;
                return new Backpressure.RevisionCapacity(t.Percent ?? 0, pa?.Spec.ContainerConcurrency, pa?.Status?.ActualScale);
            }).ToList();
            capacities[(o.Namespace, o.Name)] = Backpressure.SubscriberCapacity.Of(revisions);
        }
        return (ns, name) => capacities.GetValueOrDefault((ns, name));
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
