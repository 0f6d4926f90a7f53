using System.Globalization;
using System.Net;
using CloudNative.CloudEvents;
using Platform.Resources.Duck;
using Platform.Resources.Durations;

namespace Platform.Broker.Delivery;

/// <summary>How delays grow between attempts.</summary>
internal enum BackoffKind
{
    /// <summary>No policy: retries follow each other at once.</summary>
    None,
    /// <summary>Retry n waits delay × (n − 1): 0, d, 2d … (as Knative codes it).</summary>
    Linear,
    /// <summary>Retry n waits delay × 2^(n − 1): d, 2d, 4d …</summary>
    Exponential,
}

/// <summary>
/// A DeliverySpec resolved into numbers: the retries, the backoff, the per-attempt timeout, the Retry-After cap,
/// the content mode and the dead-letter sink. Pure: delays are computed from the attempt and the answer only.
/// </summary>
/// <param name="Retry">Attempts after the first one.</param>
/// <param name="Backoff">Backoff policy.</param>
/// <param name="BackoffDelay">Base delay.</param>
/// <param name="Timeout">Timeout of one attempt.</param>
/// <param name="RetryAfterMax">Cap of an honoured <c>Retry-After</c>; null: Retry-After is ignored.</param>
/// <param name="Mode">Binary unless <c>format: json</c>.</param>
/// <param name="DeadLetterUri">Where the original event goes after the last attempt, or null.</param>
internal sealed record DeliveryPolicy(
    int Retry,
    BackoffKind Backoff,
    TimeSpan BackoffDelay,
    TimeSpan Timeout,
    TimeSpan? RetryAfterMax,
    ContentMode Mode,
    Uri? DeadLetterUri)
{
    /// <summary>
    /// Resolves <paramref name="spec"/>, field by field over <paramref name="fallback"/> (a Trigger's delivery over its
    /// Broker's). Bad durations were refused at apply; here they fall back to the defaults rather than failing.
    /// </summary>
    public static DeliveryPolicy From(DeliverySpec? spec, DeliverySpec? fallback, Uri? deadLetterUri, TimeSpan defaultTimeout)
    {
        var retry = spec?.Retry ?? fallback?.Retry ?? 0;
        var policy = (spec?.BackoffPolicy ?? fallback?.BackoffPolicy)?.ToLowerInvariant() switch
        {
            BackoffPolicies.Linear => BackoffKind.Linear,
            BackoffPolicies.Exponential => BackoffKind.Exponential,
            _ => BackoffKind.None,
        };
        var delay = Duration(spec?.BackoffDelay ?? fallback?.BackoffDelay) ?? TimeSpan.Zero;
        var timeout = Duration(spec?.Timeout ?? fallback?.Timeout) ?? defaultTimeout;
        var retryAfterMax = Duration(spec?.RetryAfterMax ?? fallback?.RetryAfterMax);
        var mode = string.Equals(spec?.Format ?? fallback?.Format, "json", StringComparison.OrdinalIgnoreCase) ? ContentMode.Structured : ContentMode.Binary;
        return new DeliveryPolicy(Math.Max(0, retry), policy, delay, timeout, retryAfterMax, mode, deadLetterUri);
    }

    private static TimeSpan? Duration(string? text) => IsoDuration.TryParse(text, out var d) ? d : null;

    /// <summary>The backoff before retry <paramref name="retry"/> (1-based), ignoring any Retry-After.</summary>
    public TimeSpan BackoffBefore(int retry)
    {
        if (retry < 1) return TimeSpan.Zero;
        // In ticks as doubles, saturating at TimeSpan.MaxValue: a long delay with many retries must not overflow (found
        // by the property tests); such a wait is "never" in practice either way.
        var ticks = Backoff switch
        {
            BackoffKind.Linear => BackoffDelay.Ticks * (double)(retry - 1),
            BackoffKind.Exponential => BackoffDelay.Ticks * Math.Pow(2, Math.Min(retry - 1, 30)),
            _ => 0d,
        };
        return ticks >= TimeSpan.MaxValue.Ticks ? TimeSpan.MaxValue : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>
    /// The wait before retry <paramref name="retry"/> after an answer of <paramref name="status"/> carrying
    /// <paramref name="retryAfter"/>: the backoff, or the Retry-After of a 429/503 when it is longer, capped by
    /// <see cref="RetryAfterMax"/> (only honoured when that is set).
    /// </summary>
    public TimeSpan DelayBefore(int retry, int? status, TimeSpan? retryAfter)
    {
        var backoff = BackoffBefore(retry);
        if (RetryAfterMax is { } max && status is 429 or 503 && retryAfter is { } wanted)
        {
            var honoured = wanted < max ? wanted : max;
            if (honoured > backoff) return honoured;
        }
        return backoff;
    }

    /// <summary>
    /// Whether an attempt that ended with <paramref name="status"/> (null: network error or timeout) is tried again:
    /// network errors, 5xx, 404, 408, 409 and 429 are; 2xx is success; 3xx and other 4xx are final failures.
    /// </summary>
    public static AttemptOutcome Classify(int? status) => status switch
    {
        null => AttemptOutcome.Retryable,
        >= 200 and <= 299 => AttemptOutcome.Success,
        >= 500 or 404 or 408 or 409 or 429 => AttemptOutcome.Retryable,
        _ => AttemptOutcome.Final,
    };

    /// <summary>Parses a <c>Retry-After</c> value (delta-seconds or an HTTP date) into a wait from <paramref name="now"/>.</summary>
    public static TimeSpan? ParseRetryAfter(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return TimeSpan.FromSeconds(seconds);
        if (DateTimeOffset.TryParseExact(value.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            return at > now ? at - now : TimeSpan.Zero;
        return null;
    }
}

/// <summary>What one delivery attempt means for the next step.</summary>
internal enum AttemptOutcome
{
    /// <summary>2xx: delivered.</summary>
    Success,
    /// <summary>Worth another attempt (network error, 5xx, 404, 408, 409, 429).</summary>
    Retryable,
    /// <summary>Will not get better (3xx, other 4xx): straight to the dead-letter sink.</summary>
    Final,
}

/// <summary>Helpers for the <see cref="HttpStatusCode"/> of an attempt.</summary>
internal static class StatusText
{
    public static string Of(int? status) => status is { } s ? ((HttpStatusCode)s).ToString() : "network error";
}
