using System.Text.Json;

namespace Platform.Sidecar.Core.PubSub;

/// <summary>A routing rule: deliver to <paramref name="Path"/> when the CEL expression <paramref name="Match"/> holds.</summary>
public sealed record RouteRule(string Match, string Path);

/// <summary>
/// Where a topic's events go in the app: the first rule that matches, else <see cref="Default"/>; no match and no
/// default means the event is acknowledged and dropped, as in Dapr.
/// </summary>
public sealed record TopicRoutes(IReadOnlyList<RouteRule> Rules, string? Default)
{
    private CelMatch[]? _compiled;

    /// <summary>The app path for <paramref name="envelope"/> (a CloudEvent as JSON), or null when nothing matches.</summary>
    public string? Select(ReadOnlySpan<byte> envelope)
    {
        if (Rules.Count == 0) return Default;
        _compiled ??= Rules.Select(r => CelMatch.TryCompile(r.Match, out var m, out var why) ? m! : throw new InvalidOperationException(why)).ToArray();
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(envelope.ToArray());
            root = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Default;
        }
        for (var i = 0; i < _compiled.Length; i++)
            if (_compiled[i].Evaluate(root)) return Rules[i].Path;
        return Default;
    }
}
