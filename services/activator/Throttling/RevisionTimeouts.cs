using Platform.Serving.Contracts.Routing;

namespace Platform.Activator.Throttling;

/// <summary>
/// The three limits Knative puts on a request to a revision, as queue-proxy enforces them: <see cref="Total"/>
/// (<c>timeoutSeconds</c>, queue wait included), <see cref="ResponseStart"/> (<c>responseStartTimeoutSeconds</c>: until
/// the replica's response headers) and <see cref="Idle"/> (<c>idleTimeoutSeconds</c>: no byte from the replica for that
/// long). A limit that cannot fire before another is dropped (null), so the default request pays for one timer only.
/// </summary>
/// <param name="Total">Whole request, queue wait included.</param>
/// <param name="ResponseStart">Until the response starts, when shorter than <paramref name="Total"/>; else null.</param>
/// <param name="Idle">Longest silence from the replica, when shorter than <paramref name="Total"/>; else null.</param>
internal readonly record struct RevisionTimeouts(TimeSpan Total, TimeSpan? ResponseStart, TimeSpan? Idle)
{
    /// <summary>Knative's defaults: 300 s in all, the response may start any time within it, no idle limit.</summary>
    public static RevisionTimeouts Default { get; } = new(TimeSpan.FromSeconds(300), null, null);

    /// <summary>The limits of <paramref name="revision"/>; <paramref name="defaultSeconds"/> when it gives no <c>timeoutSeconds</c>.</summary>
    public static RevisionTimeouts Of(RevisionRoute revision, int defaultSeconds)
    {
        var total = TimeSpan.FromSeconds(revision.TimeoutSeconds ?? defaultSeconds);
        return new(total, Shorter(revision.ResponseStartTimeoutSeconds, total), Shorter(revision.IdleTimeoutSeconds, total));
    }

    private static TimeSpan? Shorter(int? seconds, TimeSpan total) =>
        seconds is int s && s > 0 && TimeSpan.FromSeconds(s) < total ? TimeSpan.FromSeconds(s) : null;
}
