using System.Text;
using System.Text.Json;
using Platform.Sidecar.Core.State;

namespace Platform.Sidecar.Actors.State;

/// <summary>
/// Reads the body of <c>PUT /v1.0/actors/{type}/{id}/state</c>:
/// <c>[{"operation": "upsert"|"delete", "request": {"key", "value", "metadata"}}]</c>. Pure.
/// </summary>
internal static class ActorStateRequest
{
    /// <summary>The operations with their store keys (from <paramref name="storeKey"/>), or an error naming the field.</summary>
    public static (IReadOnlyList<StateOperation>? Operations, string? Error) Parse(JsonElement body, Func<string, string> storeKey)
    {
        if (body.ValueKind != JsonValueKind.Array) return (null, "the body must be a JSON array of {operation, request} objects");
        var operations = new List<StateOperation>();
        var index = 0;
        foreach (var item in body.EnumerateArray())
        {
            var at = $"[{index++}]";
            if (item.ValueKind != JsonValueKind.Object) return (null, $"{at}: must be an object");
            var operation = item.TryGetProperty("operation", out var op) && op.ValueKind == JsonValueKind.String ? op.GetString() : null;
            if (!item.TryGetProperty("request", out var request) || request.ValueKind != JsonValueKind.Object)
                return (null, $"{at}.request: required object");
            var key = request.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
            if (string.IsNullOrEmpty(key)) return (null, $"{at}.request.key: required");
            switch (operation?.ToLowerInvariant())
            {
                case "upsert":
                    // The value is stored as the JSON text the app sent and returned verbatim by GET …/state/{key}.
                    var value = request.TryGetProperty("value", out var v) ? Encoding.UTF8.GetBytes(v.GetRawText()) : "null"u8.ToArray();
                    operations.Add(new StateOperation(StateOperationKind.Upsert, storeKey(key), value));
                    break;
                case "delete":
                    operations.Add(new StateOperation(StateOperationKind.Delete, storeKey(key)));
                    break;
                default:
                    return (null, $"{at}.operation: must be \"upsert\" or \"delete\", got '{operation}'");
            }
        }
        return (operations, null);
    }
}
