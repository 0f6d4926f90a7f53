using Platform.Sidecar.Core.Components;
using Platform.Sidecar.Core.PubSub;
using Platform.Sidecar.Core.Resiliency;
using Platform.Sidecar.Tests.Infrastructure;

namespace Platform.Sidecar.Tests.Components;

/// <summary>Reading component, resiliency and subscription files.</summary>
public sealed class ResourceLoaderTests
{
    [Fact]
    public void Reads_multi_document_files_with_scopes_resiliency_and_subscriptions()
    {
        using var env = new SidecarEnvironment().WithFile("all.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: pubsub
            spec:
              type: pubsub.redis
              version: v1
              metadata:
              - name: redisHost
                value: localhost:6379
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: other-store
            spec:
              type: state.in-memory
              version: v1
            scopes:
            - someone-else
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata:
              name: ignored
            spec: {}
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: r
            spec:
              policies:
                timeouts:
                  quick: 2s
                retries:
                  delivery:
                    policy: exponential
                    duration: 100ms
                    maxInterval: 10s
                    maxRetries: 10
              targets:
                components:
                  pubsub:
                    inbound:
                      retry: delivery
                    outbound:
                      timeout: quick
            ---
            apiVersion: dapr.io/v2alpha1
            kind: Subscription
            metadata:
              name: orders
            spec:
              pubsubname: pubsub
              topic: orders
              routes:
                rules:
                - match: event.type == "order"
                  path: /orders
                default: /other
              deadLetterTopic: orders-dead
              bulkSubscribe:
                enabled: true
                maxAwaitDurationMs: 40
            """);
        var set = ResourceLoader.Load([env.ResourcesPath], "me");
        Assert.Equal(["pubsub"], set.Components.Select(c => c.Name));
        Assert.Equal("localhost:6379", set.Components[0].Get("REDISHOST"));
        var inbound = set.Resiliency.InboundFor("pubsub").Retry;
        Assert.Equal((RetryKind.Exponential, 10, TimeSpan.FromMilliseconds(100)), (inbound.Kind, inbound.MaxRetries, inbound.Duration));
        Assert.Equal(TimeSpan.FromSeconds(2), set.Resiliency.OutboundFor("pubsub").Timeout);
        Assert.Equal(RetryPolicy.None, set.Resiliency.InboundFor("nothing").Retry);
        var sub = Assert.Single(set.Subscriptions);
        Assert.Equal(("orders", "orders-dead", "/other"), (sub.Topic, sub.DeadLetterTopic, sub.Routes.Default));
        Assert.Equal(new BulkSubscribeOptions(100, 40), sub.Bulk); // maxMessagesCount defaults to Dapr's 100
    }

    [Theory]
    [InlineData("kind: Component\nmetadata:\n  name: x\nspec:\n  version: v1\n", "spec.type")]
    [InlineData("kind: Component\nspec:\n  type: state.redis\n", "metadata.name")]
    [InlineData("kind: Component\nmetadata:\n  name: x\nspec:\n  type: state.redis\n  metadata:\n  - value: 1\n", "spec.metadata[0].name")]
    [InlineData("kind: Component\nmetadata:\n  name: x\nspec:\n  type: state.redis\n  metadata:\n  - name: redisPassword\n    secretKeyRef:\n      name: s\n", "spec.metadata[0].secretKeyRef")]
    [InlineData("kind: Resiliency\nmetadata:\n  name: r\nspec:\n  targets:\n    components:\n      p:\n        inbound:\n          retry: nope\n", "spec.targets.components.p.inbound.retry")]
    [InlineData("kind: Resiliency\nmetadata:\n  name: r\nspec:\n  policies:\n    retries:\n      p:\n        maxRetries: many\n", "spec.policies.retries.p.maxRetries")]
    [InlineData("kind: Subscription\nmetadata:\n  name: s\nspec:\n  pubsubname: p\n  topic: t\n", "spec.routes")]
    [InlineData("kind: Subscription\nmetadata:\n  name: s\nspec:\n  pubsubname: p\n  topic: t\n  route: /t\n  bulkSubscribe:\n    enabled: yes\n", "spec.bulkSubscribe.enabled")]
    [InlineData("kind: Subscription\nmetadata:\n  name: s\nspec:\n  pubsubname: p\n  topic: t\n  route: /t\n  bulkSubscribe:\n    enabled: true\n    maxMessagesCount: 0\n", "spec.bulkSubscribe.maxMessagesCount")]
    [InlineData("kind: Subscription\nmetadata:\n  name: s\nspec:\n  pubsubname: p\n  topic: t\n  route: /t\n  bulkSubscribe:\n    enabled: true\n    maxAwaitDurationMs: soon\n", "spec.bulkSubscribe.maxAwaitDurationMs")]
    public void Errors_name_the_field(string yaml, string field)
    {
        using var env = new SidecarEnvironment().WithFile("bad.yaml", yaml);
        var e = Assert.Throws<ResourceFileException>(() => ResourceLoader.Load([env.ResourcesPath], "me"));
        Assert.Equal(field, e.Field);
        Assert.EndsWith("bad.yaml", e.File);
    }
}
