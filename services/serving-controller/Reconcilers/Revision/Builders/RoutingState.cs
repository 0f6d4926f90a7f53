using System.Globalization;

namespace Platform.ServingController.Reconcilers.Revision.Builders;

/// <summary>
/// Knative's routing state of a revision, pure: the label <c>serving.knative.dev/routingState</c> (<c>active</c> while
/// a route sends it traffic, <c>pending</c> for the newest revision before any route has, <c>reserve</c> otherwise)
/// and the annotation <c>serving.knative.dev/routingStateModified</c> (RFC 3339, when the label last changed), which
/// revision garbage collection reads as the revision's last active time.
/// </summary>
internal static class RoutingState
{
    /// <summary>The label.</summary>
    public const string Label = "serving.knative.dev/routingState";

    /// <summary>Routed now.</summary>
    public const string Active = "active";

    /// <summary>The newest revision, not routed yet.</summary>
    public const string Pending = "pending";

    /// <summary>Not routed.</summary>
    public const string Reserve = "reserve";

    /// <summary>The state a revision should have.</summary>
    /// <param name="routed">A route sends it traffic.</param>
    /// <param name="newest">It is its configuration's latest created revision.</param>
    /// <param name="current">Its label now, if any.</param>
    public static string Of(bool routed, bool newest, string? current) =>
        routed ? Active : newest && current is null or Pending ? Pending : Reserve;

    /// <summary>The label and annotation to write, or null when both are already right.</summary>
    public static (string State, string Modified)? Change(string? currentState, string? currentModified, string wanted, DateTimeOffset now) =>
        currentState == wanted && !string.IsNullOrEmpty(currentModified)
            ? null
            : (wanted, now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
}
