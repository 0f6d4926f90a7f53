namespace Platform.Sources.Sdk;

/// <summary>
/// How a source retries a delivery: <see cref="Retries"/> attempts after the first, waiting
/// <see cref="Backoff"/> × 2^(n−1) before retry n, each attempt cut after <see cref="AttemptTimeout"/>. Pure.
/// </summary>
/// <param name="Retries">Attempts after the first one (≥ 0).</param>
/// <param name="Backoff">Wait before the first retry; doubles for each further one.</param>
/// <param name="AttemptTimeout">How long one attempt may take.</param>
public sealed record RetryPolicy(int Retries, TimeSpan Backoff, TimeSpan AttemptTimeout)
{
    /// <summary>
    /// Knative's source adapters' policy: 5 retries, exponential from 50 ms (50, 100, 200, 400, 800 ms: about 1.5 s in
    /// all), each attempt at most 30 s.
    /// </summary>
    public static RetryPolicy Default { get; } = new(5, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(30));

    /// <summary>The wait before retry <paramref name="retry"/> (1-based); saturates instead of overflowing.</summary>
    public TimeSpan DelayBefore(int retry)
    {
        if (retry < 1) return TimeSpan.Zero;
        var ticks = Backoff.Ticks * Math.Pow(2, Math.Min(retry - 1, 30));
        return ticks >= TimeSpan.MaxValue.Ticks ? TimeSpan.MaxValue : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>
    /// Whether an attempt that ended with <paramref name="status"/> (null: network error or timeout) is worth another:
    /// as in Knative, network errors, 5xx, 404, 408, 409 and 429 are retried, 2xx is success, the rest is final.
    /// </summary>
    public static AttemptResult Classify(int? status) => status switch
    {
        null => AttemptResult.Retry,
        >= 200 and <= 299 => AttemptResult.Delivered,
        >= 500 or 404 or 408 or 409 or 429 => AttemptResult.Retry,
        _ => AttemptResult.Refused,
    };
}

/// <summary>What one delivery attempt means for the next step.</summary>
public enum AttemptResult
{
    /// <summary>2xx: the sink took the event.</summary>
    Delivered,

    /// <summary>Worth another attempt.</summary>
    Retry,

    /// <summary>The sink refused it (3xx, other 4xx): no retry helps.</summary>
    Refused,
}
