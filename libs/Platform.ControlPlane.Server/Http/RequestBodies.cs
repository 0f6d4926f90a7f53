using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Platform.ControlPlane.Store;
using Platform.Resources.Serialization;

namespace Platform.ControlPlane.Server.Http;

/// <summary>How a request body is written.</summary>
internal enum BodyFormat
{
    /// <summary><c>application/json</c>.</summary>
    Json,
    /// <summary><c>application/yaml</c> (also <c>application/x-yaml</c>, <c>text/yaml</c>), or no Content-Type (YAML reads JSON too).</summary>
    Yaml,
    /// <summary><c>application/merge-patch+json</c> (RFC 7386).</summary>
    MergePatch,
    /// <summary><c>application/json-patch+json</c> (RFC 6902).</summary>
    JsonPatch,
}

/// <summary>Reads request bodies: size limit, Content-Type, UTF-8, JSON or YAML, each failure a Kubernetes Status.</summary>
internal static class RequestBodies
{
    /// <summary>The format named by Content-Type; patches accept only patch types.</summary>
    public static (BodyFormat Format, ResourceError? Error) FormatOf(string? contentType, bool patch)
    {
        string? media = null;
        if (!string.IsNullOrWhiteSpace(contentType))
        {
            if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) || parsed.MediaType is null)
                return (default, Unsupported(contentType, patch));
            media = parsed.MediaType.ToLowerInvariant();
        }
        if (patch)
            return media switch
            {
                "application/merge-patch+json" => (BodyFormat.MergePatch, null),
                "application/json-patch+json" => (BodyFormat.JsonPatch, null),
                _ => (default, Unsupported(contentType, patch)),
            };
        return media switch
        {
            null => (BodyFormat.Yaml, null),
            "application/json" => (BodyFormat.Json, null),
            "application/yaml" or "application/x-yaml" or "text/yaml" or "text/x-yaml" => (BodyFormat.Yaml, null),
            _ => (default, Unsupported(contentType, patch)),
        };
    }

    /// <summary>The body as text, or 413 past <paramref name="maxBytes"/>, or 400 when it is not UTF-8.</summary>
    public static async Task<(string? Text, ResourceError? Error)> ReadTextAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes) return (null, TooLarge(maxBytes));
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes) return (null, TooLarge(maxBytes));
            buffer.Write(chunk, 0, read);
        }
        try
        {
            return (new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length), null);
        }
        catch (DecoderFallbackException)
        {
            return (null, ResourceError.BadRequest("the request body is not valid UTF-8"));
        }
    }

    /// <summary>Every document of the body (JSON is one document, YAML may hold several), or 400 naming where it broke.</summary>
    public static (IReadOnlyList<JsonNode?> Documents, ResourceError? Error) Parse(string text, BodyFormat format)
    {
        if (string.IsNullOrWhiteSpace(text)) return ([], ResourceError.BadRequest("the request body is empty"));
        try
        {
            return format == BodyFormat.Yaml
                ? (YamlDocuments.Parse(text), null)
                : ([JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false })], null);
        }
        catch (JsonException ex)
        {
            return ([], ResourceError.BadRequest($"the request body is not valid JSON: {ex.Message}"));
        }
        catch (YamlSyntaxException ex)
        {
            return ([], ResourceError.BadRequest($"the request body is not valid YAML: {ex.Message}"));
        }
    }

    /// <summary>Exactly one JSON object from the body, or 400.</summary>
    public static (JsonObject? Object, ResourceError? Error) SingleObject(IReadOnlyList<JsonNode?> documents)
    {
        if (documents.Count != 1)
            return (null, ResourceError.BadRequest($"expected one object in the request body, found {documents.Count} documents (use /apis/{ApiPath.PlatformGroup}/v1/apply for several)"));
        return documents[0] is JsonObject obj
            ? (obj, null)
            : (null, ResourceError.BadRequest($"the request body must be an object, not {Describe(documents[0])}"));
    }

    /// <summary>"an array", "a string", ... for messages.</summary>
    public static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonArray => "an array",
        JsonObject => "an object",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            _ => "a boolean",
        },
        _ => "unknown",
    };

    private static ResourceError TooLarge(int maxBytes) =>
        new(StatusReason.RequestEntityTooLarge, $"the request body is larger than the limit of {maxBytes} bytes");

    private static ResourceError Unsupported(string? contentType, bool patch) =>
        new(StatusReason.UnsupportedMediaType, patch
            ? $"the body of a PATCH must be application/merge-patch+json or application/json-patch+json, not {contentType ?? "(none)"} (strategic merge and apply patches are not supported for custom resources)"
            : $"Content-Type {contentType} is not supported: use application/json or application/yaml");
}
