using System.Text.Json.Nodes;
using Platform.ControlPlane.Store;

namespace Platform.Resources.Meta;

/// <summary>
/// Pure rules for writing a status only when it changed: transition times are ignored when comparing, and a
/// condition whose status did not flip keeps its stored <c>lastTransitionTime</c>, so that every replica computing
/// the same status writes nothing and watchers see no flip.
/// </summary>
public static class StatusComparison
{
    /// <summary>True when <paramref name="stored"/> and <paramref name="fresh"/> differ only in transition times.</summary>
    public static bool SameApartFromTimes(JsonNode? stored, JsonNode fresh) =>
        stored is not null && JsonNode.DeepEquals(WithoutTimes(stored), WithoutTimes(fresh));

    /// <summary>Copies the stored <c>lastTransitionTime</c> onto each condition of <paramref name="fresh"/> whose status did not change.</summary>
    public static void KeepTransitionTimes(JsonNode? stored, JsonNode fresh)
    {
        if (stored?["conditions"] is not JsonArray before || fresh["conditions"] is not JsonArray after) return;
        foreach (var c in after.OfType<JsonObject>())
        {
            var match = before.OfType<JsonObject>().FirstOrDefault(b => b.Str("type") == c.Str("type"));
            if (match is not null && match.Str("status") == c.Str("status") && match["lastTransitionTime"] is { } t) c["lastTransitionTime"] = t.DeepClone();
        }
    }

    private static JsonNode WithoutTimes(JsonNode node)
    {
        var copy = node.DeepClone();
        Strip(copy);
        return copy;

        static void Strip(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o:
                    o.Remove("lastTransitionTime");
                    foreach (var (_, v) in o.ToList()) Strip(v);
                    break;
                case JsonArray a:
                    foreach (var v in a) Strip(v);
                    break;
            }
        }
    }
}
