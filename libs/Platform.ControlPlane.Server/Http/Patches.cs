using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.ControlPlane.Server.Http;

/// <summary>JSON merge patch (RFC 7386): objects merge key by key, <c>null</c> removes, anything else replaces.</summary>
public static class MergePatch
{
    /// <summary>The result of applying <paramref name="patch"/> to <paramref name="target"/> (neither is changed).</summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObj) return patch?.DeepClone();
        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
        foreach (var (key, value) in patchObj)
        {
            if (value is null) result.Remove(key);
            else result[key] = Apply(result[key], value);
        }
        return result;
    }
}

/// <summary>JSON patch (RFC 6902): add, remove, replace, move, copy and test with JSON pointers (RFC 6901).</summary>
public static class JsonPatch
{
    /// <summary>Applies <paramref name="operations"/> to a copy of <paramref name="target"/>; the error names the failing operation.</summary>
    public static (JsonNode? Result, string? Error) Apply(JsonNode? target, JsonNode? operations)
    {
        if (operations is not JsonArray ops) return (null, "a JSON patch must be an array of operations");
        var doc = target?.DeepClone();
        for (var i = 0; i < ops.Count; i++)
        {
            if (ops[i] is not JsonObject op) return (null, $"operation {i}: must be an object");
            var name = op["op"]?.GetValueKind() == JsonValueKind.String ? op["op"]!.GetValue<string>() : null;
            var path = op["path"]?.GetValueKind() == JsonValueKind.String ? op["path"]!.GetValue<string>() : null;
            if (name is null || path is null) return (null, $"operation {i}: \"op\" and \"path\" are required");
            string? error;
            switch (name)
            {
                case "add": error = !op.ContainsKey("value") ? "\"value\" is required" : Add(ref doc, path, op["value"]?.DeepClone()); break;
                case "remove": error = Remove(ref doc, path, out _); break;
                case "replace":
                    error = !op.ContainsKey("value") ? "\"value\" is required" : Remove(ref doc, path, out _) ?? Add(ref doc, path, op["value"]?.DeepClone());
                    break;
                case "move":
                case "copy":
                    var from = op["from"]?.GetValueKind() == JsonValueKind.String ? op["from"]!.GetValue<string>() : null;
                    if (from is null) { error = "\"from\" is required"; break; }
                    if (name == "move")
                        error = Remove(ref doc, from, out var moved) ?? Add(ref doc, path, moved);
                    else
                        error = Find(doc, from, out var copied) ? Add(ref doc, path, copied?.DeepClone()) : $"path \"{from}\" does not exist";
                    break;
                case "test":
                    error = Find(doc, path, out var actual) && JsonNode.DeepEquals(actual, op["value"]) ? null : $"test of \"{path}\" failed";
                    break;
                default: error = $"unknown op \"{name}\""; break;
            }
            if (error is not null) return (null, $"operation {i} ({name} {path}): {error}");
        }
        return (doc, null);
    }

    private static IReadOnlyList<string> Tokens(string pointer) =>
        pointer.Length == 0 ? [] : pointer[1..].Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~")).ToList();

    private static bool Find(JsonNode? doc, string pointer, out JsonNode? node)
    {
        node = doc;
        if (pointer.Length > 0 && pointer[0] != '/') return false;
        foreach (var t in Tokens(pointer))
        {
            switch (node)
            {
                case JsonObject o when o.TryGetPropertyValue(t, out var child): node = child; break;
                case JsonArray a when int.TryParse(t, out var idx) && idx >= 0 && idx < a.Count: node = a[idx]; break;
                default: node = null; return false;
            }
        }
        return true;
    }

    private static string? Parent(JsonNode? doc, string pointer, out JsonNode? parent, out string last)
    {
        parent = null;
        last = "";
        if (pointer.Length == 0 || pointer[0] != '/') return $"invalid pointer \"{pointer}\"";
        var cut = pointer.LastIndexOf('/');
        last = pointer[(cut + 1)..].Replace("~1", "/").Replace("~0", "~");
        return Find(doc, pointer[..cut], out parent) && parent is JsonObject or JsonArray ? null : $"parent of \"{pointer}\" does not exist";
    }

    private static string? Add(ref JsonNode? doc, string pointer, JsonNode? value)
    {
        if (pointer.Length == 0) { doc = value; return null; }
        if (Parent(doc, pointer, out var parent, out var last) is { } error) return error;
        if (parent is JsonObject o) { o[last] = value; return null; }
        var a = (JsonArray)parent!;
        if (last == "-") { a.Add(value); return null; }
        if (!int.TryParse(last, out var idx) || idx < 0 || idx > a.Count) return $"index \"{last}\" is out of range";
        a.Insert(idx, value);
        return null;
    }

    private static string? Remove(ref JsonNode? doc, string pointer, out JsonNode? removed)
    {
        removed = null;
        if (pointer.Length == 0) { removed = doc; doc = null; return null; }
        if (Parent(doc, pointer, out var parent, out var last) is { } error) return error;
        if (parent is JsonObject o)
            return o.Remove(last, out removed) ? null : $"path \"{pointer}\" does not exist";
        var a = (JsonArray)parent!;
        if (!int.TryParse(last, out var idx) || idx < 0 || idx >= a.Count) return $"index \"{last}\" is out of range";
        removed = a[idx];
        a.RemoveAt(idx);
        return null;
    }
}
