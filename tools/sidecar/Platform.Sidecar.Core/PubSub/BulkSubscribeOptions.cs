using System.Text.Json;

namespace Platform.Sidecar.Core.PubSub;

/// <summary>
/// A subscription's <c>bulkSubscribe</c> (Dapr's names and defaults): the app gets up to
/// <see cref="MaxMessagesCount"/> events in one request, sent at the latest <see cref="MaxAwaitDurationMs"/> after
/// the first of them arrived. How many can gather is also bounded by the component's <c>concurrency</c> (messages
/// in flight to the app), so a component meant for bulk delivery sets concurrency ≥ maxMessagesCount.
/// </summary>
/// <param name="MaxMessagesCount">maxMessagesCount (100): events per request at most.</param>
/// <param name="MaxAwaitDurationMs">maxAwaitDurationMs (1000): how long a partial batch waits for more.</param>
public sealed record BulkSubscribeOptions(int MaxMessagesCount = BulkSubscribeOptions.DefaultMaxMessagesCount, int MaxAwaitDurationMs = BulkSubscribeOptions.DefaultMaxAwaitDurationMs)
{
    /// <summary>Dapr's default maxMessagesCount.</summary>
    public const int DefaultMaxMessagesCount = 100;

    /// <summary>Dapr's default maxAwaitDurationMs.</summary>
    public const int DefaultMaxAwaitDurationMs = 1000;

    /// <summary>
    /// These options for a component that lets <paramref name="maxInFlight"/> messages be in flight to the app: a
    /// batch never waits for more entries than can arrive (with Dapr's defaults, concurrency 10 and maxMessagesCount
    /// 100, waiting for 100 would hold every batch for maxAwaitDurationMs).
    /// </summary>
    public BulkSubscribeOptions LimitedTo(int maxInFlight) => this with { MaxMessagesCount = Math.Max(1, Math.Min(MaxMessagesCount, maxInFlight)) };

    /// <summary>
    /// Reads a programmatic <c>bulkSubscribe</c> object: null when absent or <c>enabled</c> is not true; a reason in
    /// <paramref name="error"/> when a count is not a positive integer.
    /// </summary>
    public static BulkSubscribeOptions? FromJson(JsonElement subscription, out string? error)
    {
        error = null;
        if (!subscription.TryGetProperty("bulkSubscribe", out var bulk) || bulk.ValueKind != JsonValueKind.Object) return null;
        if (!bulk.TryGetProperty("enabled", out var enabled) || enabled.ValueKind != JsonValueKind.True) return null;
        var max = Positive(bulk, "maxMessagesCount", DefaultMaxMessagesCount, ref error);
        var wait = Positive(bulk, "maxAwaitDurationMs", DefaultMaxAwaitDurationMs, ref error);
        return error is null ? new BulkSubscribeOptions(max, wait) : null;
    }

    private static int Positive(JsonElement bulk, string name, int fallback, ref string? error)
    {
        if (!bulk.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return fallback;
        // The SDKs write 0 for "not set" (their attribute's default), so 0 means Dapr's default here too.
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n >= 0) return n == 0 ? fallback : n;
        error ??= $"bulkSubscribe.{name}: {value.GetRawText()} is not a positive integer";
        return fallback;
    }
}
