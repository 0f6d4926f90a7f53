namespace Platform.Sidecar.Core.Resiliency;

/// <summary>How a retry policy spaces its attempts.</summary>
public enum RetryKind
{
    /// <summary>The same <c>duration</c> between attempts.</summary>
    Constant,
    /// <summary>Growing intervals (×1.5), capped at <c>maxInterval</c>.</summary>
    Exponential,
}

/// <summary>
/// A retry policy from <c>spec.policies.retries</c>. <see cref="MaxRetries"/> −1 retries forever and 0 never
/// retries, as in Dapr.
/// </summary>
/// <param name="Name">The policy's key.</param>
/// <param name="Kind">policy: constant | exponential.</param>
/// <param name="Duration">duration: the constant interval, or the first interval of an exponential policy (default 5s constant, 500ms exponential).</param>
/// <param name="MaxInterval">maxInterval: cap for exponential intervals (default 60s).</param>
/// <param name="MaxRetries">maxRetries (default −1).</param>
public sealed record RetryPolicy(string Name, RetryKind Kind, TimeSpan Duration, TimeSpan MaxInterval, int MaxRetries)
{
    /// <summary>Never retries: Dapr's behaviour when no policy targets a component.</summary>
    public static RetryPolicy None { get; } = new("none", RetryKind.Constant, TimeSpan.Zero, TimeSpan.Zero, 0);

    /// <summary>
    /// The wait before retry number <paramref name="retry"/> (1-based), or null when the policy is exhausted.
    /// </summary>
    public TimeSpan? DelayBeforeRetry(int retry)
    {
        if (retry < 1 || (MaxRetries >= 0 && retry > MaxRetries)) return null;
        if (Kind == RetryKind.Constant) return Duration;
        var ms = Duration.TotalMilliseconds * Math.Pow(1.5, retry - 1);
        return TimeSpan.FromMilliseconds(Math.Min(ms, MaxInterval.TotalMilliseconds));
    }
}

/// <summary>Retry and timeout policies applied to one component in one direction.</summary>
/// <param name="Retry">The retry policy (<see cref="RetryPolicy.None"/> when none).</param>
/// <param name="Timeout">The timeout per attempt, or null.</param>
public sealed record TargetPolicy(RetryPolicy Retry, TimeSpan? Timeout)
{
    /// <summary>No retries, no timeout.</summary>
    public static TargetPolicy Default { get; } = new(RetryPolicy.None, null);
}

/// <summary>The merged <c>kind: Resiliency</c> documents: policies per component and direction.</summary>
/// <param name="Inbound">Component name → policy for deliveries to the app.</param>
/// <param name="Outbound">Component name → policy for calls from the sidecar to the component.</param>
public sealed record ResiliencySpec(
    IReadOnlyDictionary<string, TargetPolicy> Inbound,
    IReadOnlyDictionary<string, TargetPolicy> Outbound)
{
    /// <summary>No policies at all.</summary>
    public static ResiliencySpec Empty { get; } = new(new Dictionary<string, TargetPolicy>(), new Dictionary<string, TargetPolicy>());

    /// <summary>The inbound policy of <paramref name="component"/>, or <see cref="TargetPolicy.Default"/>.</summary>
    public TargetPolicy InboundFor(string component) => Inbound.GetValueOrDefault(component, TargetPolicy.Default);

    /// <summary>The outbound policy of <paramref name="component"/>, or <see cref="TargetPolicy.Default"/>.</summary>
    public TargetPolicy OutboundFor(string component) => Outbound.GetValueOrDefault(component, TargetPolicy.Default);
}
