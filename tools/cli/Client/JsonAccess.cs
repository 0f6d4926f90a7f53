using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Cli.Client;

/// <summary>Reading fields of JSON objects by dotted path (<c>status.url</c>), tolerant of missing parts.</summary>
internal static class JsonAccess
{
    /// <summary>The node at <paramref name="path"/> (dots between names), or null.</summary>
    public static JsonNode? At(this JsonNode? node, string path)
    {
        foreach (var part in path.Split('.'))
        {
            if (node is not JsonObject obj) return null;
            node = obj[part];
        }
        return node;
    }

    /// <summary>The string (or number/boolean, as text) at <paramref name="path"/>, or null.</summary>
    public static string? StringAt(this JsonNode? node, string path) => node.At(path) is JsonValue value
        ? value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number => value.ToJsonString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        }
        : null;

    /// <summary>The integer at <paramref name="path"/>, or null.</summary>
    public static long? LongAt(this JsonNode? node, string path) =>
        long.TryParse(node.StringAt(path), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>The objects of the array at <paramref name="path"/> (empty when there is none).</summary>
    public static IReadOnlyList<JsonObject> ObjectsAt(this JsonNode? node, string path) =>
        node.At(path) is JsonArray array ? [.. array.OfType<JsonObject>()] : [];

    /// <summary>The string map at <paramref name="path"/> (empty when there is none).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> MapAt(this JsonNode? node, string path) =>
        node.At(path) is JsonObject obj
            ? [.. obj.Select(p => new KeyValuePair<string, string>(p.Key, p.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : p.Value?.ToJsonString() ?? ""))]
            : [];

    /// <summary>The object at <paramref name="name"/> under <paramref name="obj"/>, created when missing.</summary>
    public static JsonObject Child(this JsonObject obj, string name)
    {
        if (obj[name] is JsonObject child) return child;
        child = new JsonObject();
        obj[name] = child;
        return child;
    }
}
