using System.Text.Json;

namespace Platform.Sidecar.Core.PubSub;

/// <summary>One subscription of the app: a topic on a pub/sub component and where its events go.</summary>
/// <param name="PubSubName">The pub/sub component.</param>
/// <param name="Topic">The topic.</param>
/// <param name="Routes">Routing rules and default path.</param>
/// <param name="DeadLetterTopic">Where dropped or exhausted events go, or null.</param>
/// <param name="Metadata">Subscription metadata (<c>rawPayload</c>, ...).</param>
/// <param name="Kind"><c>PROGRAMMATIC</c> (from <c>/dapr/subscribe</c>) or <c>DECLARATIVE</c> (from a file).</param>
/// <param name="Bulk">Bulk delivery (<c>bulkSubscribe.enabled</c>), or null for one event per request.</param>
public sealed record TopicSubscription(
    string PubSubName,
    string Topic,
    TopicRoutes Routes,
    string? DeadLetterTopic,
    IReadOnlyDictionary<string, string> Metadata,
    string Kind,
    BulkSubscribeOptions? Bulk = null)
{
    /// <summary>True when <c>metadata.rawPayload</c> is "true": the app gets events without a CloudEvent envelope.</summary>
    public bool RawPayload => Metadata.TryGetValue("rawPayload", out var v) && bool.TryParse(v, out var b) && b;

    /// <summary>
    /// Parses the app's answer to <c>GET /dapr/subscribe</c>. Entries without pubsubname or topic, or with bad
    /// match expressions, are reported in <paramref name="errors"/> and skipped.
    /// </summary>
    public static IReadOnlyList<TopicSubscription> ParseProgrammatic(ReadOnlySpan<byte> json, List<string> errors)
    {
        var result = new List<TopicSubscription>();
        if (json.IsEmpty) return result;
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json.ToArray()); }
        catch (JsonException e) { errors.Add("GET /dapr/subscribe: not JSON: " + e.Message); return result; }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array) { errors.Add("GET /dapr/subscribe: expected a JSON array"); return result; }
            var i = 0;
            foreach (var s in doc.RootElement.EnumerateArray())
            {
                var at = $"GET /dapr/subscribe [{i++}]";
                if (s.ValueKind != JsonValueKind.Object) { errors.Add(at + ": not an object"); continue; }
                var pubsub = Str(s, "pubsubname") ?? Str(s, "pubsubName");
                var topic = Str(s, "topic");
                if (string.IsNullOrEmpty(pubsub) || string.IsNullOrEmpty(topic)) { errors.Add(at + ": pubsubname and topic are required"); continue; }
                var rules = new List<RouteRule>();
                var defaultRoute = Str(s, "route");
                if (s.TryGetProperty("routes", out var routes) && routes.ValueKind == JsonValueKind.Object)
                {
                    defaultRoute = Str(routes, "default") ?? defaultRoute;
                    if (routes.TryGetProperty("rules", out var rs) && rs.ValueKind == JsonValueKind.Array)
                        foreach (var r in rs.EnumerateArray())
                        {
                            var match = Str(r, "match");
                            var path = Str(r, "path");
                            if (match is null || path is null) { errors.Add($"{at}: routes.rules need match and path"); continue; }
                            if (!CelMatch.TryCompile(match, out _, out var why)) { errors.Add($"{at}: {why}"); continue; }
                            rules.Add(new RouteRule(match, path));
                        }
                }
                var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                if (s.TryGetProperty("metadata", out var md) && md.ValueKind == JsonValueKind.Object)
                    foreach (var p in md.EnumerateObject()) metadata[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
                if (rules.Count == 0 && string.IsNullOrEmpty(defaultRoute)) defaultRoute = topic;
                var bulk = BulkSubscribeOptions.FromJson(s, out var bulkError);
                if (bulkError is not null) { errors.Add($"{at}: {bulkError}"); continue; }
                result.Add(new TopicSubscription(pubsub, topic, new TopicRoutes(rules, defaultRoute), NullIfEmpty(Str(s, "deadLetterTopic")), metadata, "PROGRAMMATIC", bulk));
            }
        }
        return result;
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
