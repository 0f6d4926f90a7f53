using Platform.ControlPlane.Kinds;

namespace Platform.Broker.Resources;

/// <summary>The kinds the broker service watches, from the control plane's kind table.</summary>
internal static class EventingKinds
{
    private static ResourceKind Find(string apiVersion, string kind) =>
        ResourceKinds.Knative.FindByKind(apiVersion, kind) ?? throw new InvalidOperationException($"kind {apiVersion} {kind} is not in the control plane's kind table");

    /// <summary>eventing.knative.dev/v1 Broker.</summary>
    public static ResourceKind Broker { get; } = Find("eventing.knative.dev/v1", "Broker");
    /// <summary>eventing.knative.dev/v1 Trigger.</summary>
    public static ResourceKind Trigger { get; } = Find("eventing.knative.dev/v1", "Trigger");
    /// <summary>messaging.knative.dev/v1 Channel.</summary>
    public static ResourceKind Channel { get; } = Find("messaging.knative.dev/v1", "Channel");
    /// <summary>messaging.knative.dev/v1 InMemoryChannel.</summary>
    public static ResourceKind InMemoryChannel { get; } = Find("messaging.knative.dev/v1", "InMemoryChannel");
    /// <summary>messaging.knative.dev/v1 Subscription.</summary>
    public static ResourceKind Subscription { get; } = Find("messaging.knative.dev/v1", "Subscription");
    /// <summary>flows.knative.dev/v1 Sequence.</summary>
    public static ResourceKind Sequence { get; } = Find("flows.knative.dev/v1", "Sequence");
    /// <summary>flows.knative.dev/v1 Parallel.</summary>
    public static ResourceKind Parallel { get; } = Find("flows.knative.dev/v1", "Parallel");
    /// <summary>serving.knative.dev/v1 Service (subscriber refs).</summary>
    public static ResourceKind Service { get; } = Find("serving.knative.dev/v1", "Service");

    /// <summary>autoscaling.internal.knative.dev/v1alpha1 PodAutoscaler (a Service subscriber's capacity: containerConcurrency × ready replicas).</summary>
    public static ResourceKind PodAutoscaler { get; } = ResourceKinds.PodAutoscaler;

    /// <summary>Every watched kind.</summary>
    public static IReadOnlyList<ResourceKind> All { get; } = [Broker, Trigger, Channel, InMemoryChannel, Subscription, Sequence, Parallel, Service, PodAutoscaler];
}
