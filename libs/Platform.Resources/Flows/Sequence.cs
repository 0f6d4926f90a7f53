using System.Text.Json.Serialization;
using Platform.Resources.Duck;
using Platform.Resources.Messaging;
using Platform.Resources.Meta;

namespace Platform.Resources.Flows;

/// <summary>flows.knative.dev/v1 Sequence: steps chained through channels, each reply feeding the next step.</summary>
public sealed class Sequence : Resource<SequenceSpec, SequenceStatus>
{
    /// <summary>Creates an empty Sequence.</summary>
    public Sequence() : base(FlowsApi.V1, "Sequence")
    {
    }
}

/// <summary>Sequence spec.</summary>
public sealed class SequenceSpec
{
    /// <summary>Steps in order (at least one).</summary>
    public List<SequenceStep>? Steps { get; set; }

    /// <summary>Channel kind used between steps; defaulted to InMemoryChannel.</summary>
    public ChannelTemplateSpec? ChannelTemplate { get; set; }

    /// <summary>Where the last step's reply goes.</summary>
    public Destination? Reply { get; set; }
}

/// <summary>A step: a destination (fields inline, as in Knative) and its delivery.</summary>
public sealed class SequenceStep
{
    /// <summary>The addressable object.</summary>
    public KReference? Ref { get; set; }

    /// <summary>Absolute URI or path relative to <see cref="Ref"/>.</summary>
    public string? Uri { get; set; }

    /// <summary>CA certificates.</summary>
    [JsonPropertyName("CACerts")]
    public string? CACerts { get; set; }

    /// <summary>OIDC audience.</summary>
    public string? Audience { get; set; }

    /// <summary>Delivery to this step.</summary>
    public DeliverySpec? Delivery { get; set; }

    /// <summary>The step's destination.</summary>
    public Destination ToDestination() => new() { Ref = Ref, Uri = Uri, CACerts = CACerts, Audience = Audience };
}

/// <summary>Sequence status.</summary>
public sealed class SequenceStatus : AddressableStatus
{
    /// <summary>Per-step subscription readiness.</summary>
    public List<FlowSubscriptionStatus>? SubscriptionStatuses { get; set; }

    /// <summary>Per-step channel readiness.</summary>
    public List<FlowChannelStatus>? ChannelStatuses { get; set; }
}

/// <summary>flows.knative.dev/v1 Parallel: branches with optional filters, fed from one channel.</summary>
public sealed class Parallel : Resource<ParallelSpec, ParallelStatus>
{
    /// <summary>Creates an empty Parallel.</summary>
    public Parallel() : base(FlowsApi.V1, "Parallel")
    {
    }
}

/// <summary>Parallel spec.</summary>
public sealed class ParallelSpec
{
    /// <summary>Branches (at least one).</summary>
    public List<ParallelBranch>? Branches { get; set; }

    /// <summary>Channel kind; defaulted to InMemoryChannel.</summary>
    public ChannelTemplateSpec? ChannelTemplate { get; set; }

    /// <summary>Default reply for branches without one.</summary>
    public Destination? Reply { get; set; }
}

/// <summary>One branch of a Parallel.</summary>
public sealed class ParallelBranch
{
    /// <summary>Optional filter: events pass when it replies with an event.</summary>
    public Destination? Filter { get; set; }

    /// <summary>Where passing events go.</summary>
    public Destination? Subscriber { get; set; }

    /// <summary>Where the subscriber's replies go.</summary>
    public Destination? Reply { get; set; }

    /// <summary>Delivery to the subscriber.</summary>
    public DeliverySpec? Delivery { get; set; }
}

/// <summary>Parallel status.</summary>
public sealed class ParallelStatus : AddressableStatus
{
    /// <summary>The ingress channel.</summary>
    public FlowChannelStatus? IngressChannelStatus { get; set; }

    /// <summary>Per-branch statuses.</summary>
    public List<ParallelBranchStatus>? BranchStatuses { get; set; }
}

/// <summary>Per-branch status.</summary>
public sealed class ParallelBranchStatus
{
    /// <summary>Filter subscription.</summary>
    public FlowSubscriptionStatus? FilterSubscriptionStatus { get; set; }

    /// <summary>Filter channel.</summary>
    public FlowChannelStatus? FilterChannelStatus { get; set; }

    /// <summary>Subscriber subscription.</summary>
    public FlowSubscriptionStatus? SubscriptionStatus { get; set; }
}

/// <summary>A subscription created by a flow, with its readiness.</summary>
public sealed class FlowSubscriptionStatus
{
    /// <summary>The subscription.</summary>
    public KReference? Subscription { get; set; }

    /// <summary>Its Ready condition.</summary>
    public Condition? Ready { get; set; }
}

/// <summary>A channel created by a flow, with its readiness.</summary>
public sealed class FlowChannelStatus
{
    /// <summary>The channel.</summary>
    public KReference? Channel { get; set; }

    /// <summary>Its Ready condition.</summary>
    public Condition? Ready { get; set; }
}

/// <summary>apiVersions of flows.knative.dev.</summary>
public static class FlowsApi
{
    /// <summary>API group.</summary>
    public const string Group = "flows.knative.dev";

    /// <summary>flows.knative.dev/v1.</summary>
    public const string V1 = "flows.knative.dev/v1";
}
