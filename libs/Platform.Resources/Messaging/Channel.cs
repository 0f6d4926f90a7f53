using System.Text.Json.Nodes;
using Platform.Resources.Duck;
using Platform.Resources.Meta;

namespace Platform.Resources.Messaging;

/// <summary>messaging.knative.dev/v1 Channel: a channel whose implementation is chosen by its template.</summary>
public sealed class Channel : Resource<ChannelSpec, ChannelStatus>
{
    /// <summary>Creates an empty Channel.</summary>
    public Channel() : base(MessagingApi.V1, "Channel")
    {
    }
}

/// <summary>Channel spec.</summary>
public sealed class ChannelSpec : ChannelableSpec
{
    /// <summary>The backing channel kind; defaulted to InMemoryChannel.</summary>
    public ChannelTemplateSpec? ChannelTemplate { get; set; }
}

/// <summary>messaging.knative.dev/v1 InMemoryChannel: the default channel, backed by the platform's pub/sub.</summary>
public sealed class InMemoryChannel : Resource<ChannelableSpec, ChannelStatus>
{
    /// <summary>Creates an empty InMemoryChannel.</summary>
    public InMemoryChannel() : base(MessagingApi.V1, "InMemoryChannel")
    {
    }
}

/// <summary>Spec shared by channels: subscribers (written by the Subscription controller) and delivery.</summary>
public class ChannelableSpec
{
    /// <summary>Subscribers the channel delivers to.</summary>
    public List<SubscriberSpec>? Subscribers { get; set; }

    /// <summary>Default delivery.</summary>
    public DeliverySpec? Delivery { get; set; }
}

/// <summary>The kind (and spec) of the channel backing a Channel, Sequence or Parallel.</summary>
public sealed class ChannelTemplateSpec
{
    /// <summary>apiVersion of the channel kind.</summary>
    public string? ApiVersion { get; set; }

    /// <summary>Channel kind, e.g. <c>InMemoryChannel</c>.</summary>
    public string? Kind { get; set; }

    /// <summary>Spec passed to the backing channel (kept as given).</summary>
    public JsonObject? Spec { get; set; }
}

/// <summary>One subscriber of a channel.</summary>
public sealed class SubscriberSpec
{
    /// <summary>Uid of the Subscription.</summary>
    public string? Uid { get; set; }

    /// <summary>Name of the Subscription.</summary>
    public string? Name { get; set; }

    /// <summary>Generation of the Subscription.</summary>
    public long? Generation { get; set; }

    /// <summary>Where events go.</summary>
    public string? SubscriberUri { get; set; }

    /// <summary>CA certificates of the subscriber.</summary>
    public string? SubscriberCACerts { get; set; }

    /// <summary>Audience of the subscriber.</summary>
    public string? SubscriberAudience { get; set; }

    /// <summary>Where replies go.</summary>
    public string? ReplyUri { get; set; }

    /// <summary>CA certificates of the reply destination.</summary>
    public string? ReplyCACerts { get; set; }

    /// <summary>Audience of the reply destination.</summary>
    public string? ReplyAudience { get; set; }

    /// <summary>Delivery for this subscriber.</summary>
    public DeliverySpec? Delivery { get; set; }
}

/// <summary>Channel status.</summary>
public sealed class ChannelStatus : AddressableStatus
{
    /// <summary>Per-subscriber readiness.</summary>
    public List<SubscriberStatus>? Subscribers { get; set; }

    /// <summary>The backing channel (Channel only).</summary>
    public KReference? Channel { get; set; }

    /// <summary>Resolved dead-letter sink.</summary>
    public string? DeadLetterSinkUri { get; set; }

    /// <summary>CA certificates of the dead-letter sink.</summary>
    public string? DeadLetterSinkCACerts { get; set; }
}

/// <summary>Readiness of one subscriber.</summary>
public sealed class SubscriberStatus
{
    /// <summary>Uid of the Subscription.</summary>
    public string? Uid { get; set; }

    /// <summary>Generation observed.</summary>
    public long? ObservedGeneration { get; set; }

    /// <summary><c>True</c>, <c>False</c> or <c>Unknown</c>.</summary>
    public string? Ready { get; set; }

    /// <summary>Why not ready.</summary>
    public string? Message { get; set; }
}

/// <summary>messaging.knative.dev/v1 Subscription: connects a channel to a subscriber and a reply.</summary>
public sealed class Subscription : Resource<SubscriptionSpec, SubscriptionStatus>
{
    /// <summary>Creates an empty Subscription.</summary>
    public Subscription() : base(MessagingApi.V1, "Subscription")
    {
    }
}

/// <summary>Subscription spec.</summary>
public sealed class SubscriptionSpec
{
    /// <summary>The channel subscribed to (immutable).</summary>
    public KReference? Channel { get; set; }

    /// <summary>Where events go.</summary>
    public Destination? Subscriber { get; set; }

    /// <summary>Where the subscriber's replies go.</summary>
    public Destination? Reply { get; set; }

    /// <summary>Delivery.</summary>
    public DeliverySpec? Delivery { get; set; }
}

/// <summary>Subscription status.</summary>
public sealed class SubscriptionStatus : KnativeStatus
{
    /// <summary>Resolved URIs.</summary>
    public PhysicalSubscription? PhysicalSubscription { get; set; }
}

/// <summary>A subscription's resolved URIs.</summary>
public sealed class PhysicalSubscription
{
    /// <summary>Resolved subscriber.</summary>
    public string? SubscriberUri { get; set; }

    /// <summary>CA certificates of the subscriber.</summary>
    public string? SubscriberCACerts { get; set; }

    /// <summary>Audience of the subscriber.</summary>
    public string? SubscriberAudience { get; set; }

    /// <summary>Resolved reply.</summary>
    public string? ReplyUri { get; set; }

    /// <summary>CA certificates of the reply destination.</summary>
    public string? ReplyCACerts { get; set; }

    /// <summary>Audience of the reply destination.</summary>
    public string? ReplyAudience { get; set; }

    /// <summary>Resolved dead-letter sink.</summary>
    public string? DeadLetterSinkUri { get; set; }

    /// <summary>CA certificates of the dead-letter sink.</summary>
    public string? DeadLetterSinkCACerts { get; set; }
}

/// <summary>apiVersions of messaging.knative.dev.</summary>
public static class MessagingApi
{
    /// <summary>API group.</summary>
    public const string Group = "messaging.knative.dev";

    /// <summary>messaging.knative.dev/v1.</summary>
    public const string V1 = "messaging.knative.dev/v1";
}
