using Platform.Broker.Backpressure;
using Platform.Broker.Delivery;
using Platform.Broker.Resources;
using Platform.Broker.Routing;
using Platform.Broker.Streams;
using Platform.Broker.Topics;
using Platform.Eventing.Filters.Filters;
using Platform.Resources.Eventing;
using Platform.Resources.Meta;
using CachedObject = Platform.Resources.Caching.CachedObject;
using EventBroker = Platform.Resources.Eventing.Broker;

namespace Platform.Broker.Reconciling.Planners;

/// <summary>
/// Triggers: each Ready trigger gets its own topic (a delivery stream) and a route from its broker with its filter;
/// a trigger whose broker is missing, whose filter is invalid or whose subscriber or dead-letter sink cannot be
/// resolved gets Ready=False with the reason, and no route.
/// </summary>
internal static class TriggerPlanner
{
    /// <summary>The Ready triggers' routes, by broker.</summary>
    public static Dictionary<(string, string), List<TriggerRoute>> Plan(PlanContext c, IReadOnlyList<CachedObject> triggerObjects, Dictionary<(string, string), EventBroker> brokers)
    {
        var triggersByBroker = new Dictionary<(string, string), List<TriggerRoute>>();
        foreach (var o in triggerObjects)
        {
            if (o.Typed is not Trigger t) { c.Invalid(EventingKinds.Trigger, o, new TriggerStatus()); continue; }
            var status = new TriggerStatus { ObservedGeneration = t.Metadata.Generation };
            var brokerName = string.IsNullOrEmpty(t.Spec.Broker) ? "default" : t.Spec.Broker;
            var topic = TopicNames.Trigger(o.Namespace, o.Name, o.Uid);
            string? problem = null, reason = null;
            if (!brokers.TryGetValue((o.Namespace, brokerName), out var broker))
            {
                (reason, problem) = ("BrokerDoesNotExist", $"Broker {o.Namespace}/{brokerName} does not exist");
                status.SetCondition("BrokerReady", ConditionStatus.False, c.Now, reason, problem);
            }
            else status.SetCondition("BrokerReady", ConditionStatus.True, c.Now);

            Platform.Eventing.Filters.Filters.TriggerFilter? filter = null;
            if (!TriggerFilterBuilder.TryBuild(t.Spec.Filter?.Attributes, t.Spec.Filters, out filter, out var filterErrors))
            {
                reason ??= "FilterInvalid";
                problem ??= string.Join("; ", filterErrors);
            }
            var annotationErrors = new List<(string Path, string Message)>();
            var annotated = DeliveryAnnotations.Parse(t.Metadata.Annotations, "metadata.annotations", annotationErrors);
            if (annotationErrors.Count > 0)
            {
                reason ??= "InvalidAnnotation";
                problem ??= string.Join("; ", annotationErrors.Select(e => $"{e.Path}: {e.Message}"));
            }
            var subscriber = c.Addresses.Resolve(t.Spec.Subscriber, o.Namespace, c.Exists);
            if (subscriber.Uri is { } uri)
            {
                status.SubscriberUri = uri.ToString();
                status.SetCondition("SubscriberResolved", ConditionStatus.True, c.Now);
            }
            else
            {
                status.SetCondition("SubscriberResolved", ConditionStatus.False, c.Now, "Unable to get the Subscriber's URI", subscriber.Error);
                reason ??= "SubscriberResolveFailed";
                problem ??= "subscriber: " + subscriber.Error;
            }
            var deadLetter = t.Spec.Delivery?.DeadLetterSink ?? broker?.Spec.Delivery?.DeadLetterSink;
            Uri? dls = null;
            if (deadLetter is not null)
            {
                var r = c.Addresses.Resolve(deadLetter, o.Namespace, c.Exists);
                if (r.Uri is null) { reason ??= "DeadLetterSinkResolveFailed"; problem ??= "deadLetterSink: " + r.Error; }
                else { dls = r.Uri; status.DeadLetterSinkUri = r.Uri.ToString(); }
                status.SetCondition("DeadLetterSinkResolved", r.Uri is null ? ConditionStatus.False : ConditionStatus.True, c.Now, r.Uri is null ? "Unable to get the dead letter sink's URI" : null, r.Error);
            }
            if (problem is not null)
            {
                status.SetCondition(ConditionTypes.Ready, ConditionStatus.False, c.Now, reason, problem);
                c.Statuses.Add(new StatusUpdate(EventingKinds.Trigger, o, status, null));
                continue;
            }
            status.SetCondition(ConditionTypes.Ready, ConditionStatus.True, c.Now);
            c.Statuses.Add(new StatusUpdate(EventingKinds.Trigger, o, status, topic));
            var policy = DeliveryPolicy.From(t.Spec.Delivery, broker!.Spec.Delivery, dls, c.DefaultTimeout);
            var resource = $"Trigger {o.Namespace}/{o.Name}";
            var brokerKey = (o.Namespace, brokerName);
            if (!triggersByBroker.TryGetValue(brokerKey, out var list)) triggersByBroker[brokerKey] = list = [];
            list.Add(new TriggerRoute(o.Name, filter!, topic));
            c.Subscribers[topic] = new SubscriberRoute(new Accounting.DeliveryKey("Trigger", o.Namespace, o.Name), resource, o.Namespace, topic, new DeliveryTarget(resource, o.Namespace, subscriber.Uri!, policy),
                ReplyKind.Broker, TopicNames.Broker(o.Namespace, brokerName), null,
                DeliveryLimits.From(c.DefaultMaxInFlight, annotated.MaxInFlight, annotated.EventsPerSecond, c.CapacityOf(t.Spec.Subscriber, o.Namespace)));
            c.Streams[topic] = StreamRole.Delivery;
        }

        return triggersByBroker;
    }
}
