namespace Platform.Serving.Contracts.Routing;

/// <summary>
/// Whether the activator's throttler stays in a revision's data path: the mode of Knative's ServerlessService, decided
/// by the autoscaler from the excess burst capacity and written into the PodAutoscaler's <c>status.mode</c>; the
/// serving-controller hands it to the activator in <see cref="RevisionRoute.Mode"/> and <see cref="EndpointsUpdate.Mode"/>.
/// </summary>
public static class ActivatorModes
{
    /// <summary>
    /// The activator's throttler is in the path: requests are queued, capped at <c>containerConcurrency</c> per replica
    /// and held at zero. The default: at zero, when the spare capacity is below <c>target-burst-capacity</c>, with
    /// <c>target-burst-capacity: -1</c>, and whenever the mode is unknown.
    /// </summary>
    public const string Proxy = "Proxy";

    /// <summary>
    /// Enough spare capacity: requests go straight to a ready replica (the least loaded), without queueing or the
    /// <c>containerConcurrency</c> breaker. With no ready replica a request is still held, as in <see cref="Proxy"/>.
    /// </summary>
    public const string Serve = "Serve";

    /// <summary>True for <see cref="Serve"/>; null, <see cref="Proxy"/> or anything else means proxy.</summary>
    public static bool IsServe(string? mode) => string.Equals(mode, Serve, StringComparison.Ordinal);
}
