namespace Platform.Broker.Backpressure;

/// <summary>How hard one Trigger's or Subscription's subscriber may be driven.</summary>
/// <param name="MaxInFlight">Deliveries at once, at least 1.</param>
/// <param name="EventsPerSecond">Deliveries started per second, paced evenly; null: no rate limit.</param>
/// <param name="Why">Where <see cref="MaxInFlight"/> came from (logs, tests): the default, the annotation, the subscriber's capacity.</param>
internal sealed record DeliveryLimits(int MaxInFlight, double? EventsPerSecond, string Why)
{
    /// <summary>
    /// The limits of one subscriber: the trigger's <c>max-in-flight</c> annotation, else <paramref name="defaultMaxInFlight"/>,
    /// never above what the subscriber can take (<paramref name="capacity"/>, null when unknown or unlimited).
    /// </summary>
    public static DeliveryLimits From(int defaultMaxInFlight, int? annotatedMaxInFlight, double? eventsPerSecond, int? capacity)
    {
        var wanted = annotatedMaxInFlight ?? defaultMaxInFlight;
        var why = annotatedMaxInFlight is null ? "default" : "annotation";
        if (capacity is { } c && c < wanted) (wanted, why) = (c, "subscriber capacity");
        return new DeliveryLimits(Math.Max(1, wanted), eventsPerSecond, why);
    }
}

/// <summary>One revision a Service sends traffic to, as the control plane sees it.</summary>
/// <param name="Percent">Its share of the traffic.</param>
/// <param name="ContainerConcurrency">Its <c>containerConcurrency</c> (from its PodAutoscaler); 0 = unlimited; null = unknown.</param>
/// <param name="ReadyReplicas">Its ready replicas (PodAutoscaler <c>status.actualScale</c>); null = unknown.</param>
internal readonly record struct RevisionCapacity(long Percent, long? ContainerConcurrency, int? ReadyReplicas);

/// <summary>
/// What a Knative Service subscriber can take at once (Knative eventing#15792): Σ over the revisions that get traffic of
/// containerConcurrency × ready replicas. A revision at zero counts as one replica — the activator holds that request
/// while it starts one, and no more pile up behind it. Null (no cap) when a revision is unlimited (containerConcurrency
/// 0) or anything is unknown (no traffic yet, no PodAutoscaler). Pure.
/// </summary>
internal static class SubscriberCapacity
{
    /// <summary>The capacity, or null for none known.</summary>
    public static int? Of(IReadOnlyList<RevisionCapacity> revisions)
    {
        long total = 0;
        var any = false;
        foreach (var r in revisions)
        {
            if (r.Percent <= 0) continue;
            if (r.ContainerConcurrency is not { } cc || cc <= 0) return null;
            any = true;
            total += cc * Math.Max(1, r.ReadyReplicas ?? 0);
        }
        return any ? (int)Math.Min(total, int.MaxValue) : null;
    }
}
