using Platform.Broker.Resources;
using Platform.Eventing.Addressing;
using Platform.Resources.Duck;
using Platform.Resources.Flows;
using Platform.Resources.Messaging;
using Platform.Resources.Meta;
using CachedObject = Platform.Resources.Caching.CachedObject;
using FlowParallel = Platform.Resources.Flows.Parallel;

namespace Platform.Broker.Reconciling.Planners;

/// <summary>Sequences and Parallels: ready when their children (created by <c>FlowChildren</c>) are; addressable.</summary>
internal static class FlowPlanner
{
    /// <summary>The status of every Sequence.</summary>
    public static void PlanSequences(PlanContext c, IReadOnlyList<CachedObject> sequences, Dictionary<(string, string), bool> channelReady, Dictionary<(string, string), bool> subscriptionReady)
    {
        foreach (var o in sequences)
        {
            if (o.Typed is not Sequence seq) { c.Invalid(EventingKinds.Sequence, o, new SequenceStatus()); continue; }
            var steps = seq.Spec.Steps?.Count ?? 0;
            var status = new SequenceStatus { ObservedGeneration = seq.Metadata.Generation, SubscriptionStatuses = [], ChannelStatuses = [] };
            var missing = new List<string>();
            for (var i = 0; i < steps; i++)
            {
                var child = Addresses.SequenceChild(o.Name, i);
                var chOk = channelReady.GetValueOrDefault((o.Namespace, child));
                var subOk = subscriptionReady.GetValueOrDefault((o.Namespace, child));
                status.ChannelStatuses.Add(new FlowChannelStatus { Channel = new KReference { ApiVersion = MessagingApi.V1, Kind = "InMemoryChannel", Name = child, Namespace = o.Namespace }, Ready = Cond(chOk, c.Now) });
                status.SubscriptionStatuses.Add(new FlowSubscriptionStatus { Subscription = new KReference { ApiVersion = MessagingApi.V1, Kind = "Subscription", Name = child, Namespace = o.Namespace }, Ready = Cond(subOk, c.Now) });
                if (!chOk || !subOk) missing.Add(child);
            }
            FlowReady(status, missing, steps == 0 ? "spec.steps is empty" : null, c.Addresses.Sequence(o.Namespace, o.Name), c.Now);
            c.Statuses.Add(new StatusUpdate(EventingKinds.Sequence, o, status, null));
        }
    }

    /// <summary>The status of every Parallel.</summary>
    public static void PlanParallels(PlanContext c, IReadOnlyList<CachedObject> parallels, Dictionary<(string, string), bool> channelReady, Dictionary<(string, string), bool> subscriptionReady)
    {
        foreach (var o in parallels)
        {
            if (o.Typed is not FlowParallel par) { c.Invalid(EventingKinds.Parallel, o, new ParallelStatus()); continue; }
            var branches = par.Spec.Branches?.Count ?? 0;
            var ingress = Addresses.ParallelIngress(o.Name);
            var status = new ParallelStatus
            {
                ObservedGeneration = par.Metadata.Generation,
                IngressChannelStatus = new FlowChannelStatus { Channel = new KReference { ApiVersion = MessagingApi.V1, Kind = "InMemoryChannel", Name = ingress, Namespace = o.Namespace }, Ready = Cond(channelReady.GetValueOrDefault((o.Namespace, ingress)), c.Now) },
                BranchStatuses = [],
            };
            var missing = new List<string>();
            if (!channelReady.GetValueOrDefault((o.Namespace, ingress))) missing.Add(ingress);
            for (var i = 0; i < branches; i++)
            {
                var ch = Addresses.ParallelBranch(o.Name, i);
                var filter = Addresses.ParallelFilter(o.Name, i);
                bool chOk = channelReady.GetValueOrDefault((o.Namespace, ch)), subOk = subscriptionReady.GetValueOrDefault((o.Namespace, ch)), fOk = subscriptionReady.GetValueOrDefault((o.Namespace, filter));
                status.BranchStatuses.Add(new ParallelBranchStatus
                {
                    FilterChannelStatus = new FlowChannelStatus { Channel = new KReference { ApiVersion = MessagingApi.V1, Kind = "InMemoryChannel", Name = ch, Namespace = o.Namespace }, Ready = Cond(chOk, c.Now) },
                    FilterSubscriptionStatus = new FlowSubscriptionStatus { Subscription = new KReference { ApiVersion = MessagingApi.V1, Kind = "Subscription", Name = filter, Namespace = o.Namespace }, Ready = Cond(fOk, c.Now) },
                    SubscriptionStatus = new FlowSubscriptionStatus { Subscription = new KReference { ApiVersion = MessagingApi.V1, Kind = "Subscription", Name = ch, Namespace = o.Namespace }, Ready = Cond(subOk, c.Now) },
                });
                if (!chOk) missing.Add(ch);
                if (!subOk) missing.Add(ch + " (subscription)");
                if (!fOk) missing.Add(filter);
            }
            FlowReady(status, missing, branches == 0 ? "spec.branches is empty" : null, c.Addresses.Parallel(o.Namespace, o.Name), c.Now);
            c.Statuses.Add(new StatusUpdate(EventingKinds.Parallel, o, status, null));
        }
    }

    private static void FlowReady(AddressableStatus status, List<string> missing, string? invalid, Uri address, DateTimeOffset now)
    {
        status.Address = new Addressable { Name = "http", Url = address.ToString() };
        if (invalid is not null) status.SetCondition(ConditionTypes.Ready, ConditionStatus.False, now, "InvalidSpec", invalid);
        else if (missing.Count > 0) status.SetCondition(ConditionTypes.Ready, ConditionStatus.False, now, "ChildrenNotReady", "not ready: " + string.Join(", ", missing));
        else status.SetCondition(ConditionTypes.Ready, ConditionStatus.True, now);
    }

    private static Condition Cond(bool ready, DateTimeOffset now) =>
        new() { Type = ConditionTypes.Ready, Status = ready ? ConditionStatus.True : ConditionStatus.Unknown, LastTransitionTime = now };
}
