using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.ServingController.Store;

/// <summary>Reads a Kubernetes <c>Status</c> body back into a <see cref="ResourceError"/> (clients of the API).</summary>
public static class StatusParser
{
    /// <summary>The error a failed answer carries; falls back to the HTTP code when the body is not a Status.</summary>
    public static ResourceError Parse(int code, string? body)
    {
        JsonObject? status = null;
        try
        {
            status = string.IsNullOrWhiteSpace(body) ? null : JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
        }
        return Parse(code, status, body);
    }

    /// <summary>The error of a parsed Status object (also the object of a watch ERROR event).</summary>
    public static ResourceError Parse(int code, JsonObject? status, string? fallbackMessage = null)
    {
        if (status?["code"] is JsonValue c && c.TryGetValue<int>(out var statusCode)) code = statusCode;
        var reason = Enum.TryParse<StatusReason>(status.Str("reason"), out var r) ? r : ResourceError.ReasonOf(code);
        var details = status?["details"] as JsonObject;
        var causes = (details?["causes"] as JsonArray)?.OfType<JsonObject>()
            .Select(x => new StatusCause(x.Str("reason") ?? "", x.Str("message") ?? "", x.Str("field"))).ToList();
        var message = status.Str("message") ?? (string.IsNullOrWhiteSpace(fallbackMessage) ? $"HTTP {code}" : fallbackMessage);
        return new ResourceError(reason, message, details.Str("name"), details.Str("group"), details.Str("kind"), causes);
    }
}
