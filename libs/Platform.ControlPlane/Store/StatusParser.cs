using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.ControlPlane.Store;

/// <summary>Reads a failed answer back into a <see cref="ResourceError"/> (clients of the API).</summary>
internal static class StatusParser
{
    /// <summary>
    /// The error a failed answer carries: a Kubernetes <c>Status</c>, an RFC 7807 problem (our non-Kubernetes
    /// endpoints), or anything else (a proxy's HTML page), which becomes the HTTP code and the body's first line so
    /// that the user still sees what came back.
    /// </summary>
    public static ResourceError Parse(int code, string? body)
    {
        JsonObject? obj = null;
        try
        {
            obj = string.IsNullOrWhiteSpace(body) ? null : JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
        }
        if (obj is not null && obj.Str("kind") != "Status" && (obj.Str("detail") ?? obj.Str("title")) is { } problem)
            return new ResourceError(ResourceError.ReasonOf(code), problem);
        if (obj is null || (obj.Str("kind") is { } kind && kind != "Status") || obj.Str("message") is null && obj.Str("reason") is null)
        {
            var first = (body ?? "").Split('\n', 2)[0].Trim();
            var codeText = code.ToString(CultureInfo.InvariantCulture);
            return new ResourceError(ResourceError.ReasonOf(code),
                first.Length == 0 ? $"the server answered {codeText}" : $"the server answered {codeText}: {(first.Length <= 200 ? first : first[..200] + "...")}");
        }
        return Parse(code, obj);
    }

    /// <summary>The error of a parsed Status object (also the object of a watch ERROR event).</summary>
    public static ResourceError Parse(int code, JsonObject? status, string? fallbackMessage = null)
    {
        if (status?["code"] is JsonValue c && c.TryGetValue<int>(out var statusCode)) code = statusCode;
        var reason = Enum.TryParse<StatusReason>(status.Str("reason"), out var r) ? r : ResourceError.ReasonOf(code);
        var details = status?["details"] as JsonObject;
        var causes = (details?["causes"] as JsonArray)?.OfType<JsonObject>()
            .Select(x => new StatusCause(x.Str("reason") ?? "", x.Str("message") ?? x.Str("reason") ?? "invalid", x.Str("field"))).ToList();
        var message = status.Str("message") is { Length: > 0 } m ? m
            : string.IsNullOrWhiteSpace(fallbackMessage) ? $"HTTP {code.ToString(CultureInfo.InvariantCulture)}" : fallbackMessage;
        return new ResourceError(reason, message, details.Str("name"), details.Str("group"), details.Str("kind"), causes);
    }
}
