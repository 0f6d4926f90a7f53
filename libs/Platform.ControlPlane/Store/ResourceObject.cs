using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.ControlPlane.Store;

/// <summary>Reads the Kubernetes <c>metadata</c> of a JSON object without a typed model.</summary>
public static class ResourceObject
{
    /// <summary><c>metadata</c>, or null when missing or not an object.</summary>
    public static JsonObject? Metadata(this JsonObject obj) => obj["metadata"] as JsonObject;

    /// <summary><c>metadata</c>, created when missing (or replaced when not an object).</summary>
    public static JsonObject EnsureMetadata(this JsonObject obj)
    {
        if (obj["metadata"] is JsonObject m) return m;
        m = new JsonObject();
        obj["metadata"] = m;
        return m;
    }

    /// <summary><c>metadata.name</c>.</summary>
    public static string? Name(this JsonObject obj) => obj.Metadata().Str("name");

    /// <summary><c>metadata.namespace</c>.</summary>
    public static string? Namespace(this JsonObject obj) => obj.Metadata().Str("namespace");

    /// <summary><c>metadata.resourceVersion</c>.</summary>
    public static string? ResourceVersion(this JsonObject obj) => obj.Metadata().Str("resourceVersion");

    /// <summary><c>metadata.uid</c>.</summary>
    public static string? Uid(this JsonObject obj) => obj.Metadata().Str("uid");

    /// <summary><c>metadata.generation</c>, 0 when missing.</summary>
    public static long Generation(this JsonObject obj) =>
        obj.Metadata()?["generation"] is JsonValue v && v.GetValueKind() == JsonValueKind.Number
        && long.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var g) ? g : 0;

    /// <summary><c>metadata.deletionTimestamp</c>.</summary>
    public static string? DeletionTimestamp(this JsonObject obj) => obj.Metadata().Str("deletionTimestamp");

    /// <summary><c>metadata.labels</c> as a dictionary (non-string values are skipped).</summary>
    public static IReadOnlyDictionary<string, string> Labels(this JsonObject obj) => StringMap(obj.Metadata()?["labels"]);

    /// <summary><c>metadata.annotations</c> as a dictionary (non-string values are skipped).</summary>
    public static IReadOnlyDictionary<string, string> Annotations(this JsonObject obj) => StringMap(obj.Metadata()?["annotations"]);

    private static Dictionary<string, string> StringMap(JsonNode? node)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is JsonObject map)
            foreach (var (k, v) in map)
                if (v is JsonValue value && value.GetValueKind() == JsonValueKind.String)
                    result[k] = value.GetValue<string>();
        return result;
    }

    /// <summary><c>metadata.finalizers</c>.</summary>
    public static IReadOnlyList<string> Finalizers(this JsonObject obj) =>
        obj.Metadata()?["finalizers"] is JsonArray a
            ? a.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>()).ToList()
            : [];

    /// <summary>The uids named by <c>metadata.ownerReferences[].uid</c>.</summary>
    public static IEnumerable<string> OwnerUids(this JsonObject obj)
    {
        if (obj.Metadata()?["ownerReferences"] is not JsonArray refs) yield break;
        foreach (var r in refs)
            if (r is JsonObject o && o.Str("uid") is { Length: > 0 } uid)
                yield return uid;
    }

    /// <summary>A string property, or null when missing or not a string.</summary>
    public static string? Str(this JsonObject? obj, string property) =>
        obj?[property] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>Parses a resourceVersion written by this control plane; false for anything else.</summary>
    public static bool TryParseVersion(string? resourceVersion, out long version) =>
        long.TryParse(resourceVersion, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out version);
}
