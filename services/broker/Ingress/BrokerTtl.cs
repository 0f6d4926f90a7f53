using System.Globalization;
using CloudNative.CloudEvents;

namespace Platform.Broker.Ingress;

/// <summary>What the TTL check decided.</summary>
/// <param name="Ttl">The TTL the event carries on (after defaulting).</param>
/// <param name="Expired">True when the TTL ran out: the event is dropped and counted.</param>
/// <param name="Error">A bad <c>knativebrokerttl</c> value (400), or null.</param>
internal readonly record struct TtlDecision(int Ttl, bool Expired, string? Error);

/// <summary>
/// Knative's broker loop protection: <c>knativebrokerttl</c> defaults to 255 at ingress, is decremented on every
/// reply, and an event whose TTL is 0 or less is dropped. Also stamps <c>knativearrivaltime</c>.
/// </summary>
internal static class BrokerTtl
{
    /// <summary>The TTL extension.</summary>
    public const string Extension = "knativebrokerttl";

    /// <summary>The arrival-time extension.</summary>
    public const string ArrivalTime = "knativearrivaltime";

    /// <summary>The event's TTL, null when it carries none, or an error for a non-integer value.</summary>
    public static (int? Ttl, string? Error) Read(CloudEvent cloudEvent)
    {
        var value = cloudEvent[Extension];
        return value switch
        {
            null => (null, null),
            int i => (i, null),
            string s when int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) => (parsed, null),
            _ => (null, $"attribute '{Extension}': '{value}' is not an integer"),
        };
    }

    /// <summary>The decision at ingress: default a missing TTL, refuse a bad one, drop an expired one.</summary>
    public static TtlDecision OnIngress(CloudEvent cloudEvent, int defaultTtl)
    {
        var (ttl, error) = Read(cloudEvent);
        if (error is not null) return new TtlDecision(0, false, error);
        var value = ttl ?? defaultTtl;
        return new TtlDecision(value, value <= 0, null);
    }

    /// <summary>The TTL a reply to <paramref name="deliveredTtl"/> carries: one less (the default minus one when none).</summary>
    public static int ForReply(int? deliveredTtl, int defaultTtl) => (deliveredTtl ?? defaultTtl) - 1;

    /// <summary>Sets the TTL and the arrival time on <paramref name="cloudEvent"/>.</summary>
    public static void Stamp(CloudEvent cloudEvent, int ttl, DateTimeOffset now)
    {
        cloudEvent.SetAttributeFromString(Extension, ttl.ToString(CultureInfo.InvariantCulture));
        cloudEvent.SetAttributeFromString(ArrivalTime, now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
    }

    /// <summary>Removes the TTL before an event leaves the broker for a subscriber.</summary>
    public static void Strip(CloudEvent cloudEvent) => cloudEvent[Extension] = null;
}
