using System.Text.Json.Nodes;
using Platform.Broker.Reconciling;
using Platform.Broker.Resources;
using Platform.Broker.Streams;
using Platform.Broker.Topics;
using Platform.ControlPlane.Store;
using Platform.Eventing.Addressing;
using Platform.Resources.Eventing;
using Platform.Resources.Flows;
using Platform.Resources.Meta;
using Platform.Resources.Serialization;
using Parallel = Platform.Resources.Flows.Parallel;

namespace Platform.Broker.Tests.Reconciling;

public class EventingPlanTests
{
    private static readonly Addresses Addresses = new("http://127.0.0.1:5300", "http://{name}.{namespace}.localhost:8080");
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static JsonObject Obj(string yaml, string uid)
    {
        var node = ResourceSerializer.Default.ToNode(ResourceSerializer.Default.ReadOne(yaml));
        node["metadata"]!["uid"] = uid;
        node["metadata"]!["namespace"] ??= "default";
        node["metadata"]!["generation"] = 1;
        return node;
    }

    private const string DefaultBroker = "apiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata: {name: default}\n";

    private static string Trigger(string name, string spec) =>
        $"apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: {{name: {name}}}\nspec:\n{spec}";

    // label, trigger spec (YAML, indented), with the default broker?, expected Ready, expected reason, message fragment
    public static TheoryData<string, string, bool, string, string?, string?> Triggers => new()
    {
        { "uri subscriber on an existing broker", "  broker: default\n  subscriber: {uri: 'http://127.0.0.1:9/x'}\n", true, "True", null, null },
        { "broker defaults to 'default'", "  subscriber: {uri: 'http://127.0.0.1:9/x'}\n", true, "True", null, null },
        { "missing broker", "  broker: nope\n  subscriber: {uri: 'http://127.0.0.1:9/x'}\n", true, "False", "BrokerDoesNotExist", "default/nope" },
        { "no broker at all", "  subscriber: {uri: 'http://127.0.0.1:9/x'}\n", false, "False", "BrokerDoesNotExist", null },
        { "unresolvable service ref", "  subscriber: {ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: ghost}}\n", true, "False", "SubscriberResolveFailed", "Service default/ghost" },
        { "invalid CESQL", "  filters: [{cesql: \"type = \"}]\n  subscriber: {uri: 'http://127.0.0.1:9/x'}\n", true, "False", "FilterInvalid", "position" },
        { "unresolvable dead-letter sink", "  subscriber: {uri: 'http://127.0.0.1:9/x'}\n  delivery: {deadLetterSink: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: ghost}}}\n", true, "False", "DeadLetterSinkResolveFailed", null },
    };

    [Theory]
    [MemberData(nameof(Triggers))]
    public void Trigger_readiness_and_routes(string label, string spec, bool withBroker, string ready, string? reason, string? message)
    {
        var cache = new ResourceCache();
        if (withBroker) cache.Apply(EventingKinds.Broker, WatchEventType.Added, Obj(DefaultBroker, "b-uid-0001"));
        cache.Apply(EventingKinds.Trigger, WatchEventType.Added, Obj(Trigger("t1", spec), "t1-uid-0001"));
        var plan = EventingPlan.Build(EventingInputs.From(cache), Addresses, TimeSpan.FromSeconds(30), Now);

        var status = plan.Statuses.Single(s => s.Kind == EventingKinds.Trigger).Status;
        var condition = status.GetCondition(ConditionTypes.Ready)!;
        Assert.True(ready == condition.Status, $"{label}: Ready={condition.Status} {condition.Reason} {condition.Message}");
        Assert.Equal(reason, condition.Reason);
        if (message is not null) Assert.Contains(message, condition.Message);
        var topic = TopicNames.Trigger("default", "t1", "t1-uid-0001");
        Assert.Equal(ready == "True", plan.Table.Subscribers.ContainsKey(topic));
        Assert.Equal(ready == "True", plan.Streams.ContainsKey(topic));
        if (ready == "True")
        {
            Assert.Equal("http://127.0.0.1:9/x", ((TriggerStatus)status).SubscriberUri);
            Assert.Single(plan.Table.Brokers[("default", "default")].Triggers);
        }
    }

    // label; trigger annotations (YAML map); Service status.traffic (YAML) and its PodAutoscalers (name:cc:ready); want max in flight, why, rate
    public static TheoryData<string, string, string, string, int, string, double?> Limits => new()
    {
        { "uri subscriber, no annotation: the default", "{}", "", "", 10, "default", null },
        { "annotations", "{eventing.platform.dev/max-in-flight: '3', eventing.platform.dev/events-per-second: '2.5'}", "", "", 3, "annotation", 2.5 },
        { "ksvc at cc 2 with 3 ready replicas caps the default", "{}", "[{revisionName: s-00001, percent: 100}]", "s-00001:2:3", 6, "subscriber capacity", null },
        { "ksvc at cc 0 (unlimited) leaves the annotation", "{eventing.platform.dev/max-in-flight: '40'}", "[{revisionName: s-00001, percent: 100}]", "s-00001:0:3", 40, "annotation", null },
        { "ksvc split over two revisions", "{eventing.platform.dev/max-in-flight: '100'}", "[{revisionName: s-00001, percent: 50}, {revisionName: s-00002, percent: 50}]", "s-00001:10:1,s-00002:10:4", 50, "subscriber capacity", null },
    };

    [Theory]
    [MemberData(nameof(Limits))]
    public void Trigger_delivery_limits_come_from_its_annotations_and_its_subscribers_capacity(string label, string annotations, string traffic, string autoscalers, int maxInFlight, string why, double? rate)
    {
        var cache = new ResourceCache();
        cache.Apply(EventingKinds.Broker, WatchEventType.Added, Obj(DefaultBroker, "b-uid-0001"));
        var subscriber = traffic.Length == 0 ? "{uri: 'http://127.0.0.1:9/x'}" : "{ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: s}}";
        cache.Apply(EventingKinds.Trigger, WatchEventType.Added, Obj($"apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: {{name: t1, annotations: {annotations}}}\nspec:\n  subscriber: {subscriber}\n", "t1-uid-0001"));
        if (traffic.Length > 0)
        {
            var service = Obj("apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: s}\nspec: {template: {spec: {containers: [{image: x}]}}}\n", "s-uid-0001");
            service["status"] = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(new { traffic = ResourceSerializer.Default.ReadOne($"apiVersion: serving.knative.dev/v1\nkind: Route\nmetadata: {{name: r}}\nspec: {{traffic: {traffic}}}\n") is Platform.Resources.Serving.Route r ? r.Spec.Traffic : null }, ResourceSerializer.Default.JsonOptions));
            cache.Apply(EventingKinds.Service, WatchEventType.Added, service);
            foreach (var pa in autoscalers.Split(','))
            {
                var p = pa.Split(':');
                var obj = Obj($"apiVersion: autoscaling.internal.knative.dev/v1alpha1\nkind: PodAutoscaler\nmetadata: {{name: {p[0]}}}\nspec: {{containerConcurrency: {p[1]}}}\n", p[0] + "-uid");
                obj["status"] = new JsonObject { ["actualScale"] = int.Parse(p[2]) };
                cache.Apply(EventingKinds.PodAutoscaler, WatchEventType.Added, obj);
            }
        }
        var plan = EventingPlan.Build(EventingInputs.From(cache), Addresses, TimeSpan.FromSeconds(30), Now, defaultMaxInFlight: 10);
        var route = plan.Table.Subscribers[TopicNames.Trigger("default", "t1", "t1-uid-0001")];
        Assert.True((maxInFlight, why, rate) == (route.Limits.MaxInFlight, route.Limits.Why, route.Limits.EventsPerSecond), $"{label}: got {route.Limits}");
    }

    [Fact]
    public void A_trigger_with_a_bad_limit_annotation_is_not_ready_and_names_it()
    {
        var cache = new ResourceCache();
        cache.Apply(EventingKinds.Broker, WatchEventType.Added, Obj(DefaultBroker, "b-uid-0001"));
        cache.Apply(EventingKinds.Trigger, WatchEventType.Added, Obj("apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: {name: t1, annotations: {eventing.platform.dev/max-in-flight: 'lots'}}\nspec:\n  subscriber: {uri: 'http://127.0.0.1:9/x'}\n", "t1-uid-0001"));
        var plan = EventingPlan.Build(EventingInputs.From(cache), Addresses, TimeSpan.FromSeconds(30), Now);
        var ready = plan.Statuses.Single(s => s.Kind == EventingKinds.Trigger).Status.GetCondition(ConditionTypes.Ready)!;
        Assert.Equal(("False", "InvalidAnnotation"), (ready.Status, ready.Reason));
        Assert.Contains("metadata.annotations[eventing.platform.dev/max-in-flight]", ready.Message);
        Assert.Empty(plan.Table.Subscribers);
    }

    [Fact]
    public void Broker_gets_its_address_and_a_fan_out_stream()
    {
        var cache = new ResourceCache();
        cache.Apply(EventingKinds.Broker, WatchEventType.Added, Obj(DefaultBroker, "b-uid-0001"));
        var plan = EventingPlan.Build(EventingInputs.From(cache), Addresses, TimeSpan.FromSeconds(30), Now);
        var status = (BrokerStatus)plan.Statuses.Single().Status;
        Assert.Equal("http://127.0.0.1:5300/default/default", status.Address!.Url);
        Assert.True(status.IsReady());
        Assert.Equal(StreamRole.FanOut, plan.Streams[TopicNames.Broker("default", "default")]);
    }

    [Fact]
    public void Sequence_children_chain_each_reply_to_the_next_channel()
    {
        var seq = (Sequence)ResourceSerializer.Default.ReadOne("""
            apiVersion: flows.knative.dev/v1
            kind: Sequence
            metadata: {name: s, namespace: default, uid: seq-uid}
            spec:
              steps:
                - uri: http://a.example/
                - uri: http://b.example/
                - uri: http://c.example/
              reply: {uri: http://sink.example/}
            """);
        var children = FlowChildren.ForSequence(seq);
        Assert.Equal(6, children.Count);
        var subs = children.Where(c => c.Kind == EventingKinds.Subscription).ToList();
        Assert.Equal(["s-kn-sequence-0", "s-kn-sequence-1", "s-kn-sequence-2"], subs.Select(s => s.Name));
        Assert.Equal("s-kn-sequence-1", subs[0].Object["spec"]!["reply"]!["ref"]!["name"]!.GetValue<string>());
        Assert.Equal("s-kn-sequence-2", subs[1].Object["spec"]!["reply"]!["ref"]!["name"]!.GetValue<string>());
        Assert.Equal("http://sink.example/", subs[2].Object["spec"]!["reply"]!["uri"]!.GetValue<string>());
        Assert.All(children, c => Assert.Equal("seq-uid", c.Object["metadata"]!["ownerReferences"]![0]!["uid"]!.GetValue<string>()));
    }

    [Fact]
    public void Parallel_children_filter_from_the_ingress_into_each_branch()
    {
        var par = (Parallel)ResourceSerializer.Default.ReadOne("""
            apiVersion: flows.knative.dev/v1
            kind: Parallel
            metadata: {name: p, namespace: default, uid: par-uid}
            spec:
              branches:
                - filter: {uri: http://f0.example/}
                  subscriber: {uri: http://s0.example/}
                - subscriber: {uri: http://s1.example/}
                  reply: {uri: http://r1.example/}
              reply: {uri: http://sink.example/}
            """);
        var children = FlowChildren.ForParallel(par).ToDictionary(c => (c.Kind.Kind, c.Name));
        Assert.True(children.ContainsKey(("InMemoryChannel", "p-kn-parallel")));
        var filter0 = children[("Subscription", "p-kn-parallel-filter-0")].Object["spec"]!;
        Assert.Equal("p-kn-parallel", filter0["channel"]!["name"]!.GetValue<string>());
        Assert.Equal("http://f0.example/", filter0["subscriber"]!["uri"]!.GetValue<string>());
        Assert.Equal("p-kn-parallel-0", filter0["reply"]!["ref"]!["name"]!.GetValue<string>());
        Assert.Null(children[("Subscription", "p-kn-parallel-filter-1")].Object["spec"]!["subscriber"]);
        Assert.Equal("http://sink.example/", children[("Subscription", "p-kn-parallel-0")].Object["spec"]!["reply"]!["uri"]!.GetValue<string>());
        Assert.Equal("http://r1.example/", children[("Subscription", "p-kn-parallel-1")].Object["spec"]!["reply"]!["uri"]!.GetValue<string>());
    }
}
