using Platform.Eventing.Filters.Filters;
using Platform.Resources.Duck;
using Platform.Resources.Meta;

namespace Platform.Resources.Eventing;

/// <summary>eventing.knative.dev/v1 Broker: an event mesh that Triggers subscribe to.</summary>
public sealed class Broker : Resource<BrokerSpec, BrokerStatus>
{
    /// <summary>Creates an empty Broker.</summary>
    public Broker() : base(EventingApi.V1, "Broker")
    {
    }

    /// <summary>Annotation naming the broker implementation.</summary>
    public const string ClassAnnotation = "eventing.knative.dev/broker.class";

    /// <summary>The default (and only) broker class.</summary>
    public const string DefaultClass = "MTChannelBasedBroker";
}

/// <summary>Broker spec.</summary>
public sealed class BrokerSpec
{
    /// <summary>Implementation-specific configuration object.</summary>
    public KReference? Config { get; set; }

    /// <summary>Default delivery for the broker's triggers.</summary>
    public DeliverySpec? Delivery { get; set; }
}

/// <summary>Broker status.</summary>
public sealed class BrokerStatus : AddressableStatus
{
    /// <summary>Resolved dead-letter sink.</summary>
    public string? DeadLetterSinkUri { get; set; }

    /// <summary>CA certificates of the dead-letter sink.</summary>
    public string? DeadLetterSinkCACerts { get; set; }

    /// <summary>Audience of the dead-letter sink.</summary>
    public string? DeadLetterSinkAudience { get; set; }
}

/// <summary>eventing.knative.dev/v1 Trigger: routes a broker's matching events to a subscriber.</summary>
public sealed class Trigger : Resource<TriggerSpec, TriggerStatus>
{
    /// <summary>Creates an empty Trigger.</summary>
    public Trigger() : base(EventingApi.V1, "Trigger")
    {
    }
}

/// <summary>Trigger spec.</summary>
public sealed class TriggerSpec
{
    /// <summary>Broker name in the trigger's namespace (default <c>default</c>).</summary>
    public string? Broker { get; set; }

    /// <summary>Exact attribute filter (<c>""</c> = attribute present).</summary>
    public TriggerFilter? Filter { get; set; }

    /// <summary>SubscriptionsAPI filters, ANDed; when set they override <see cref="Filter"/>.</summary>
    public List<SubscriptionsApiFilter>? Filters { get; set; }

    /// <summary>Where matching events go.</summary>
    public Destination? Subscriber { get; set; }

    /// <summary>Delivery, overriding the broker's.</summary>
    public DeliverySpec? Delivery { get; set; }
}

/// <summary>Trigger <c>spec.filter</c>.</summary>
public sealed class TriggerFilter
{
    /// <summary>Attribute name → exact value; an empty value matches any value.</summary>
    public Dictionary<string, string>? Attributes { get; set; }
}

/// <summary>Trigger status.</summary>
public sealed class TriggerStatus : KnativeStatus
{
    /// <summary>Resolved subscriber URI.</summary>
    public string? SubscriberUri { get; set; }

    /// <summary>CA certificates of the subscriber.</summary>
    public string? SubscriberCACerts { get; set; }

    /// <summary>Audience of the subscriber.</summary>
    public string? SubscriberAudience { get; set; }

    /// <summary>Resolved dead-letter sink.</summary>
    public string? DeadLetterSinkUri { get; set; }

    /// <summary>CA certificates of the dead-letter sink.</summary>
    public string? DeadLetterSinkCACerts { get; set; }

    /// <summary>Audience of the dead-letter sink.</summary>
    public string? DeadLetterSinkAudience { get; set; }
}

/// <summary>apiVersions of eventing.knative.dev.</summary>
internal static class EventingApi
{
    /// <summary>API group.</summary>
    public const string Group = "eventing.knative.dev";

    /// <summary>eventing.knative.dev/v1.</summary>
    public const string V1 = "eventing.knative.dev/v1";
}
