using Platform.Resources.Duck;
using Platform.Resources.Eventing;

namespace Platform.Resources.Defaulting;

/// <summary>Platform-wide defaults (Knative's config-defaults, config-br-defaults, default-ch-webhook).</summary>
public sealed record DefaultsOptions
{
    /// <summary>Namespace of objects that name none. Default <c>default</c>.</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>Revision request timeout. Default 300 s.</summary>
    public long RevisionTimeoutSeconds { get; init; } = 300;

    /// <summary>Time to the first response byte. Default 300 s.</summary>
    public long ResponseStartTimeoutSeconds { get; init; } = 300;

    /// <summary>Idle request timeout. Default 0 (none).</summary>
    public long IdleTimeoutSeconds { get; init; }

    /// <summary>Requests in flight per replica. Default 0 (unlimited).</summary>
    public long ContainerConcurrency { get; init; }

    /// <summary>Name of an unnamed serving container. Default <c>user-container</c>.</summary>
    public string UserContainerName { get; init; } = "user-container";

    /// <summary>Whether Kubernetes service links are injected. Default false (as Knative).</summary>
    public bool EnableServiceLinks { get; init; }

    /// <summary>Broker class. Default <c>MTChannelBasedBroker</c>.</summary>
    public string BrokerClass { get; init; } = Broker.DefaultClass;

    /// <summary>Broker delivery when none is given. Default retry 10, exponential, PT0.2S.</summary>
    public DeliverySpec BrokerDelivery { get; init; } = new() { Retry = 10, BackoffPolicy = BackoffPolicies.Exponential, BackoffDelay = "PT0.2S" };

    /// <summary>Broker a Trigger uses when none is named. Default <c>default</c>.</summary>
    public string TriggerBroker { get; init; } = "default";

    /// <summary>apiVersion of the default channel. Default <c>messaging.knative.dev/v1</c>.</summary>
    public string ChannelApiVersion { get; init; } = Messaging.MessagingApi.V1;

    /// <summary>Kind of the default channel. Default <c>InMemoryChannel</c>.</summary>
    public string ChannelKind { get; init; } = "InMemoryChannel";

    /// <summary>PingSource schedule. Default <c>* * * * *</c>.</summary>
    public string PingSchedule { get; init; } = "* * * * *";

    /// <summary>PingSource content type when <c>data</c> is given without one. Default <c>application/json</c>.</summary>
    public string PingContentType { get; init; } = "application/json";
}
