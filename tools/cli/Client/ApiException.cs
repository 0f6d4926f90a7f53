using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Cli.Client;

/// <summary>One field the server refused: <c>spec.traffic[1].percent</c> + <c>must be between 0 and 100</c>.</summary>
/// <param name="Field">Field path, or null when the cause names none.</param>
/// <param name="Message">Why.</param>
public sealed record ApiCause(string? Field, string Message)
{
    /// <summary><c>field: message</c>, or the message alone when it already names the field (apply's per-document causes).</summary>
    public override string ToString()
    {
        if (string.IsNullOrEmpty(Field)) return Message;
        var bare = Field.StartsWith('[') && Field.IndexOf("].", StringComparison.Ordinal) is var end and > 0 ? Field[(end + 2)..] : Field;
        return Message.Contains(bare + ":", StringComparison.Ordinal) ? Message : $"{Field}: {Message}";
    }
}

/// <summary>A Kubernetes <c>Status</c> failure as the CLI prints it.</summary>
/// <param name="Code">HTTP status code.</param>
/// <param name="Reason"><c>NotFound</c>, <c>Invalid</c>, <c>Conflict</c>, ...</param>
/// <param name="Message">The server's message.</param>
/// <param name="Causes">Field causes, in the server's order.</param>
public sealed record ApiStatus(int Code, string Reason, string Message, IReadOnlyList<ApiCause> Causes)
{
    /// <summary>
    /// Reads a <c>Status</c> body; a body that is not one (a proxy's HTML page) becomes a status with the HTTP
    /// code and the first line of the body, so the user still sees what came back.
    /// </summary>
    public static ApiStatus Parse(int code, string? body)
    {
        JsonObject? status = null;
        try
        {
            status = string.IsNullOrWhiteSpace(body) ? null : JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
        }

        if (status is not null && status.Str("kind") != "Status" && (status.Str("detail") ?? status.Str("title")) is { } problem)
            return new ApiStatus(code, ReasonOf(code), problem, []); // RFC 7807 problem details (non-Kubernetes endpoints)

        if (status is null || status.Str("kind") != "Status")
        {
            var first = (body ?? "").Split('\n', 2)[0].Trim();
            var text = first.Length == 0 ? $"the server answered {code.ToString(CultureInfo.InvariantCulture)}" : $"the server answered {code.ToString(CultureInfo.InvariantCulture)}: {Truncate(first, 200)}";
            return new ApiStatus(code, ReasonOf(code), text, []);
        }

        var causes = new List<ApiCause>();
        if (status["details"]?["causes"] is JsonArray array)
        {
            foreach (var c in array.OfType<JsonObject>())
                causes.Add(new ApiCause(c.Str("field"), c.Str("message") ?? c.Str("reason") ?? "invalid"));
        }

        var reason = status.Str("reason") is { Length: > 0 } r ? r : ReasonOf(code);
        var message = status.Str("message") is { Length: > 0 } m ? m : reason;
        return new ApiStatus(status["code"] is JsonValue v && v.TryGetValue<int>(out var c2) ? c2 : code, reason, message, causes);
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "...";

    private static string ReasonOf(int code) => code switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        410 => "Gone",
        413 => "RequestEntityTooLarge",
        415 => "UnsupportedMediaType",
        422 => "Invalid",
        _ => code >= 500 ? "InternalError" : "Unknown",
    };
}

/// <summary>The server refused a request; carries its <see cref="ApiStatus"/>.</summary>
public sealed class ApiException(ApiStatus status) : Exception(status.Message)
{
    /// <summary>What the server said.</summary>
    public ApiStatus Status { get; } = status;

    /// <summary>True for 404.</summary>
    public bool IsNotFound => Status.Code == 404;

    /// <summary>True for a stale resourceVersion (409 Conflict, not AlreadyExists).</summary>
    public bool IsConflict => Status.Code == 409 && Status.Reason == "Conflict";
}

/// <summary>Nothing answered at the API's address (connection refused, unknown host, TLS failure).</summary>
public sealed class ApiUnreachableException(string target, string detail, Exception? inner = null)
    : Exception($"cannot reach {target}: {detail}", inner)
{
    /// <summary>The address or cluster tried.</summary>
    public string Target { get; } = target;

    /// <summary>The underlying reason.</summary>
    public string Detail { get; } = detail;
}
