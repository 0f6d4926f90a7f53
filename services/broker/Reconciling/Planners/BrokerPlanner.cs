using Platform.Broker.Resources;
using Platform.Broker.Routing;
using Platform.Broker.Streams;
using Platform.Broker.Topics;
using Platform.Resources.Duck;
using Platform.Resources.Eventing;
using Platform.Resources.Meta;
using CachedObject = Platform.Resources.Caching.CachedObject;
using EventBroker = Platform.Resources.Eventing.Broker;

namespace Platform.Broker.Reconciling.Planners;

/// <summary>Brokers: each one's topic (a fan-out stream), its routes to its Ready triggers, its address and status.</summary>
internal static class BrokerPlanner
{
    /// <summary>The brokers that fit the model, by namespace and name; the others get Ready=False InvalidSpec.</summary>
    public static Dictionary<(string, string), EventBroker> Typed(PlanContext c, IReadOnlyList<CachedObject> brokerObjects)
    {
        var brokers = new Dictionary<(string, string), EventBroker>();
        foreach (var o in brokerObjects)
        {
            if (o.Typed is not EventBroker b) { c.Invalid(EventingKinds.Broker, o, new BrokerStatus()); continue; }
            brokers[(o.Namespace, o.Name)] = b;
        }

        return brokers;
    }

    /// <summary>The route of each broker to its Ready triggers; every broker Ready and addressable.</summary>
    public static Dictionary<(string, string), BrokerRoute> Plan(PlanContext c, IReadOnlyList<CachedObject> brokerObjects, Dictionary<(string, string), List<TriggerRoute>> triggersByBroker)
    {
        var brokerRoutes = new Dictionary<(string, string), BrokerRoute>();
        foreach (var o in brokerObjects)
        {
            if (o.Typed is not EventBroker b) continue;
            var topic = TopicNames.Broker(o.Namespace, o.Name);
            var route = new BrokerRoute(o.Namespace, o.Name, topic, triggersByBroker.GetValueOrDefault((o.Namespace, o.Name)) ?? []);
            brokerRoutes[(o.Namespace, o.Name)] = route;
            c.Streams[topic] = StreamRole.FanOut;
            var status = new BrokerStatus { ObservedGeneration = b.Metadata.Generation };
            var url = c.Addresses.Broker(o.Namespace, o.Name).ToString();
            status.Address = new Addressable { Name = "http", Url = url };
            status.Addresses = [new Addressable { Name = "http", Url = url }];
            status.SetCondition(ConditionTypes.Addressable, ConditionStatus.True, c.Now);
            if (b.Spec.Delivery?.DeadLetterSink is { } dl)
            {
                var r = c.Addresses.Resolve(dl, o.Namespace, c.Exists);
                status.DeadLetterSinkUri = r.Uri?.ToString();
                status.SetCondition("DeadLetterSinkResolved", r.Uri is null ? ConditionStatus.False : ConditionStatus.True, c.Now, r.Uri is null ? "Unable to get the dead letter sink's URI" : null, r.Error);
            }
            status.SetCondition(ConditionTypes.Ready, ConditionStatus.True, c.Now);
            c.Statuses.Add(new StatusUpdate(EventingKinds.Broker, o, status, topic));
        }

        return brokerRoutes;
    }
}
