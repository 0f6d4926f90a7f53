using System.Text.Json.Nodes;
using Platform.Broker.Resources;
using Platform.ControlPlane.Kinds;
using Platform.Eventing.Addressing;
using Platform.Resources.Duck;
using Platform.Resources.Flows;
using Platform.Resources.Messaging;
using Platform.Resources.Meta;
using Platform.Resources.Serialization;
using FlowParallel = Platform.Resources.Flows.Parallel;

namespace Platform.Broker.Reconciling;

/// <summary>A child object a flow needs: its kind and its JSON (metadata with owner reference, spec).</summary>
internal sealed record FlowChild(ResourceKind Kind, JsonObject Object)
{
    /// <summary><c>metadata.name</c>.</summary>
    public string Name => Object["metadata"]!["name"]!.GetValue<string>();
}

/// <summary>
/// Pure builders of the channels and subscriptions behind Sequences and Parallels, named as Knative names them.
/// Sequence: channel + subscription per step; each step's reply goes to the next step's channel, the last to
/// <c>spec.reply</c>. Parallel: an ingress channel; per branch a filter subscription (ingress → filter, reply →
/// branch channel; without a filter every event passes) and a subscriber subscription (branch channel →
/// subscriber, reply → branch reply or <c>spec.reply</c>).
/// </summary>
internal static class FlowChildren
{
    /// <summary>Children of a Sequence.</summary>
    public static IReadOnlyList<FlowChild> ForSequence(Sequence sequence)
    {
        var ns = sequence.Metadata.Namespace ?? "default";
        var name = sequence.Metadata.Name ?? "";
        var owner = Owner(FlowsApi.V1, "Sequence", sequence.Metadata);
        var steps = sequence.Spec.Steps ?? [];
        var children = new List<FlowChild>();
        for (var i = 0; i < steps.Count; i++)
        {
            var child = Addresses.SequenceChild(name, i);
            children.Add(Channel(ns, child, owner));
            var reply = i + 1 < steps.Count ? ChannelRef(ns, Addresses.SequenceChild(name, i + 1)) : sequence.Spec.Reply;
            children.Add(Subscription(ns, child, owner, child, steps[i].ToDestination(), reply, steps[i].Delivery));
        }
        return children;
    }

    /// <summary>Children of a Parallel.</summary>
    public static IReadOnlyList<FlowChild> ForParallel(FlowParallel parallel)
    {
        var ns = parallel.Metadata.Namespace ?? "default";
        var name = parallel.Metadata.Name ?? "";
        var owner = Owner(FlowsApi.V1, "Parallel", parallel.Metadata);
        var ingress = Addresses.ParallelIngress(name);
        var children = new List<FlowChild> { Channel(ns, ingress, owner) };
        var branches = parallel.Spec.Branches ?? [];
        for (var i = 0; i < branches.Count; i++)
        {
            var branch = Addresses.ParallelBranch(name, i);
            children.Add(Channel(ns, branch, owner));
            children.Add(Subscription(ns, Addresses.ParallelFilter(name, i), owner, ingress, branches[i].Filter, ChannelRef(ns, branch), null));
            children.Add(Subscription(ns, branch, owner, branch, branches[i].Subscriber, branches[i].Reply ?? parallel.Spec.Reply, branches[i].Delivery));
        }
        return children;
    }

    private static FlowChild Channel(string ns, string name, OwnerReference owner)
    {
        var channel = new InMemoryChannel { Metadata = new ObjectMeta { Name = name, Namespace = ns, OwnerReferences = [owner] } };
        return new FlowChild(EventingKinds.InMemoryChannel, ResourceSerializer.Default.ToNode(channel));
    }

    private static FlowChild Subscription(string ns, string name, OwnerReference owner, string channel, Destination? subscriber, Destination? reply, DeliverySpec? delivery)
    {
        var subscription = new Subscription
        {
            Metadata = new ObjectMeta { Name = name, Namespace = ns, OwnerReferences = [owner] },
            Spec = new SubscriptionSpec
            {
                Channel = new KReference { ApiVersion = MessagingApi.V1, Kind = "InMemoryChannel", Name = channel },
                Subscriber = subscriber,
                Reply = reply,
                Delivery = delivery,
            },
        };
        return new FlowChild(EventingKinds.Subscription, ResourceSerializer.Default.ToNode(subscription));
    }

    private static Destination ChannelRef(string ns, string name) =>
        new() { Ref = new KReference { ApiVersion = MessagingApi.V1, Kind = "InMemoryChannel", Name = name, Namespace = ns } };

    private static OwnerReference Owner(string apiVersion, string kind, ObjectMeta meta) =>
        new() { ApiVersion = apiVersion, Kind = kind, Name = meta.Name, Uid = meta.Uid, Controller = true, BlockOwnerDeletion = true };
}
