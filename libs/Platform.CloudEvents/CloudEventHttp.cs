using System.Net.Mime;
using System.Text;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Microsoft.AspNetCore.Http;

namespace Platform.CloudEvents;

/// <summary>
/// Reads and writes CloudEvents on ASP.NET Core requests and responses, following the CloudEvents HTTP protocol
/// binding: binary mode (<c>ce-*</c> headers, body = data) and structured mode
/// (<c>application/cloudevents+json</c>). The CloudNative.CloudEvents.AspNetCore adapter is not available to us,
/// so this is ours; it uses the SDK's <see cref="JsonEventFormatter"/> for structured bodies. Binary-mode header
/// values are encoded and decoded as the binding says (<see cref="HeaderValues"/>), not as URI components.
/// </summary>
public static class CloudEventHttp
{
    /// <summary>The formatter used for structured mode and JSON data.</summary>
    public static JsonEventFormatter Formatter { get; } = new();

    /// <summary>The media type of a structured-mode JSON CloudEvent.</summary>
    public const string StructuredJsonMediaType = "application/cloudevents+json";

    private const string BatchMediaType = "application/cloudevents-batch+json";

    /// <summary>
    /// Reads the CloudEvent carried by <paramref name="request"/>. Bodies longer than <paramref name="maxBodyBytes"/>
    /// are refused (413) before being read whole; a missing or bad attribute is refused (400) naming it.
    /// </summary>
    public static async Task<CloudEventReadResult> ReadAsync(HttpRequest request, long maxBodyBytes, CancellationToken cancellationToken = default)
    {
        if (request.ContentLength is long declared && declared > maxBodyBytes)
            return CloudEventReadResult.Fail(StatusCodes.Status413PayloadTooLarge, $"body of {declared} bytes exceeds the limit of {maxBodyBytes} bytes");
        var body = await ReadBodyAsync(request, maxBodyBytes, cancellationToken);
        if (body is null)
            return CloudEventReadResult.Fail(StatusCodes.Status413PayloadTooLarge, $"body exceeds the limit of {maxBodyBytes} bytes");

        var contentType = request.ContentType;
        if (contentType is not null && contentType.StartsWith(BatchMediaType, StringComparison.OrdinalIgnoreCase))
            return CloudEventReadResult.Fail(StatusCodes.Status415UnsupportedMediaType, "batched CloudEvents are not supported; send one event per request");
        if (contentType is not null && contentType.StartsWith("application/cloudevents", StringComparison.OrdinalIgnoreCase))
            return DecodeStructured(body, contentType);
        return DecodeBinary(request.Headers, contentType, body);
    }

    private static CloudEventReadResult DecodeStructured(byte[] body, string contentType)
    {
        if (!contentType.StartsWith(StructuredJsonMediaType, StringComparison.OrdinalIgnoreCase))
            return CloudEventReadResult.Fail(StatusCodes.Status415UnsupportedMediaType, $"structured mode format '{contentType}' is not supported; use {StructuredJsonMediaType}");
        CloudEvent cloudEvent;
        try
        {
            cloudEvent = Formatter.DecodeStructuredModeMessage(body, new ContentType(contentType), null);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or System.Text.Json.JsonException)
        {
            // Only on failure: name the field when the SDK's message does not (a bad data_base64 is a bare FormatException).
            return CloudEventReadResult.Fail(StatusCodes.Status400BadRequest, "malformed structured CloudEvent: " + (StructuredProblem(body) ?? FirstLine(e.Message)));
        }
        return Validated(cloudEvent);
    }

    /// <summary>What is wrong with a structured event, field first, or null when the shape is sound.</summary>
    internal static string? StructuredProblem(byte[] body)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != System.Text.Json.JsonValueKind.Object) return $"the body is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object";
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name is "data" or "data_base64") continue;
                if (property.Value.ValueKind is System.Text.Json.JsonValueKind.Object or System.Text.Json.JsonValueKind.Array)
                    return $"attribute '{property.Name}': must be a string, number or boolean, not a JSON {property.Value.ValueKind.ToString().ToLowerInvariant()}";
            }
            if (!root.TryGetProperty("data_base64", out var base64)) return null;
            if (root.TryGetProperty("data", out _)) return "data_base64: an event carries data or data_base64, not both";
            if (base64.ValueKind != System.Text.Json.JsonValueKind.String || !base64.TryGetBytesFromBase64(out _))
                return "data_base64: must be a base64 string (RFC 4648, e.g. \"aGVsbG8=\")";
            return null;
        }
        catch (System.Text.Json.JsonException e)
        {
            return "not valid JSON: " + FirstLine(e.Message);
        }
    }

    private static CloudEventReadResult DecodeBinary(IHeaderDictionary headers, string? contentType, byte[] body)
    {
        if (!headers.TryGetValue("ce-specversion", out var specVersionValue) || string.IsNullOrEmpty(specVersionValue))
            return CloudEventReadResult.Fail(StatusCodes.Status400BadRequest,
                "missing required attribute 'specversion': send a binary-mode event with ce-* headers or a structured one with Content-Type application/cloudevents+json");
        var specVersion = CloudEventsSpecVersion.FromVersionId(specVersionValue.ToString());
        if (specVersion is null)
            return CloudEventReadResult.Fail(StatusCodes.Status400BadRequest, $"attribute 'specversion': unsupported value '{specVersionValue}' (want 1.0)");
        var cloudEvent = new CloudEvent(specVersion);
        foreach (var header in headers)
        {
            if (!header.Key.StartsWith("ce-", StringComparison.OrdinalIgnoreCase)) continue;
            var name = header.Key[3..].ToLowerInvariant();
            if (name == "specversion") continue;
            if (!HeaderValues.TryDecode(header.Value.ToString(), out var value, out var encodingError))
                return CloudEventReadResult.Fail(StatusCodes.Status400BadRequest, $"attribute '{name}' (header {header.Key}): {encodingError}");
            try
            {
                cloudEvent.SetAttributeFromString(name, value);
            }
            catch (ArgumentException e)
            {
                return CloudEventReadResult.Fail(StatusCodes.Status400BadRequest, $"attribute '{name}': {FirstLine(e.Message)}");
            }
        }
        if (contentType is not null)
        {
            try
            {
                cloudEvent.DataContentType = contentType;
            }
            catch (ArgumentException)
            {
                // Found by fuzzing: the SDK refuses a Content-Type that is not an RFC 2046 media type.
                return CloudEventReadResult.Fail(StatusCodes.Status400BadRequest, $"Content-Type '{contentType}' is not a media type (RFC 2046), e.g. application/json");
            }
        }
        if (body.Length > 0)
        {
            try
            {
                Formatter.DecodeBinaryModeEventData(body, cloudEvent);
            }
            catch (Exception e) when (e is ArgumentException or System.Text.Json.JsonException or FormatException)
            {
                return CloudEventReadResult.Fail(StatusCodes.Status400BadRequest, $"data: does not match datacontenttype '{contentType}': {FirstLine(e.Message)}");
            }
        }
        return Validated(cloudEvent);
    }

    private static CloudEventReadResult Validated(CloudEvent cloudEvent)
    {
        var missing = new List<string>();
        if (string.IsNullOrEmpty(cloudEvent.Id)) missing.Add("id");
        if (cloudEvent.Source is null) missing.Add("source");
        if (string.IsNullOrEmpty(cloudEvent.Type)) missing.Add("type");
        if (missing.Count > 0)
            return CloudEventReadResult.Fail(StatusCodes.Status400BadRequest,
                $"missing required attribute{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Select(m => $"'{m}'"))}");
        return new CloudEventReadResult(cloudEvent, null);
    }

    private static string FirstLine(string message)
    {
        var i = message.IndexOf('\n');
        return (i < 0 ? message : message[..i]).Trim();
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long maxBodyBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength is long declared && declared <= maxBodyBytes)
        {
            // The common case on the hot path: the length is known, so the body is read straight into an array of
            // that size (no growing buffer, no 16 KiB chunk to zero, no final copy). Kestrel refuses a body that is
            // longer or shorter than its Content-Length.
            var exact = new byte[declared];
            var total = 0;
            int got;
            while (total < exact.Length && (got = await request.Body.ReadAsync(exact.AsMemory(total), cancellationToken)) > 0) total += got;
            return total == exact.Length ? exact : exact[..total];
        }
        using var buffer = new MemoryStream(1024);
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBodyBytes) return null;
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.ToArray();
    }

    /// <summary>Writes <paramref name="cloudEvent"/> as the response, in binary or structured mode.</summary>
    public static async Task WriteAsync(HttpResponse response, CloudEvent cloudEvent, ContentMode mode, CancellationToken cancellationToken = default)
    {
        ReadOnlyMemory<byte> body;
        if (mode == ContentMode.Structured)
        {
            body = Formatter.EncodeStructuredModeMessage(cloudEvent, out var contentType);
            response.ContentType = contentType.ToString();
        }
        else
        {
            foreach (var (attribute, value) in cloudEvent.GetPopulatedAttributes())
            {
                if (attribute == cloudEvent.SpecVersion.DataContentTypeAttribute) continue;
                response.Headers[HeaderName(attribute.Name)] = HeaderValues.Encode(attribute.Format(value));
            }
            response.Headers["ce-specversion"] = cloudEvent.SpecVersion.VersionId;
            body = BinaryModeData(cloudEvent);
            if (cloudEvent.DataContentType is { } dct) response.ContentType = dct;
        }
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, cancellationToken);
    }

    /// <summary>An <see cref="HttpContent"/> carrying <paramref name="cloudEvent"/> in <paramref name="mode"/>.</summary>
    public static HttpContent ToHttpContent(CloudEvent cloudEvent, ContentMode mode)
    {
        if (mode == ContentMode.Structured)
        {
            var body = Formatter.EncodeStructuredModeMessage(cloudEvent, out var contentType);
            var content = new ReadOnlyMemoryContent(body);
            content.Headers.TryAddWithoutValidation("Content-Type", contentType.ToString());
            return content;
        }
        var binary = new ReadOnlyMemoryContent(BinaryModeData(cloudEvent));
        // Values were validated when they were set on the event: added as they are, not parsed again per request.
        if (cloudEvent.DataContentType is { } dct) binary.Headers.TryAddWithoutValidation("Content-Type", dct);
        foreach (var (attribute, value) in cloudEvent.GetPopulatedAttributes())
        {
            if (attribute == cloudEvent.SpecVersion.DataContentTypeAttribute) continue;
            binary.Headers.TryAddWithoutValidation(HeaderName(attribute.Name), HeaderValues.Encode(attribute.Format(value)));
        }
        binary.Headers.TryAddWithoutValidation("ce-specversion", cloudEvent.SpecVersion.VersionId);
        return binary;
    }

    /// <summary>
    /// The binary-mode body of <paramref name="cloudEvent"/>: JSON data read by <see cref="StructuredEventReader"/>
    /// is sent as the very bytes it arrived as (UTF-8, the only charset it can have come in); anything else as the
    /// SDK encodes it.
    /// </summary>
    internal static ReadOnlyMemory<byte> BinaryModeData(CloudEvent cloudEvent) =>
        cloudEvent.Data is RawJsonData raw && cloudEvent.DataContentType is { } dct && !dct.Contains("charset", StringComparison.OrdinalIgnoreCase)
            ? raw.Utf8
            : Formatter.EncodeBinaryModeEventData(cloudEvent);

    // The header names of the attributes every event has, made once rather than per request.
    private static readonly Dictionary<string, string> CoreHeaderNames =
        new[] { "id", "source", "type", "subject", "time", "dataschema", "traceparent", "tracestate", "knativearrivaltime" }
            .ToDictionary(name => name, name => "ce-" + name, StringComparer.Ordinal);

    private static string HeaderName(string attribute) =>
        CoreHeaderNames.TryGetValue(attribute, out var header) ? header : "ce-" + attribute;

    /// <summary>
    /// The CloudEvent in an HTTP response (a reply), or null when the response carries none (no <c>ce-id</c>
    /// header and no structured content type).
    /// </summary>
    public static async Task<CloudEventReadResult?> ReadReplyAsync(HttpResponseMessage response, long maxBodyBytes, CancellationToken cancellationToken = default)
    {
        var contentType = response.Content.Headers.ContentType?.ToString();
        var structured = contentType is not null && contentType.StartsWith("application/cloudevents", StringComparison.OrdinalIgnoreCase);
        if (!structured && !response.Headers.Contains("ce-id") && !response.Headers.Contains("ce-specversion")) return null;
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (body.Length > maxBodyBytes)
            return CloudEventReadResult.Fail(StatusCodes.Status413PayloadTooLarge, $"reply of {body.Length} bytes exceeds the limit of {maxBodyBytes} bytes");
        if (structured) return DecodeStructured(body, contentType!);
        var headers = new HeaderDictionary();
        foreach (var h in response.Headers) headers[h.Key] = h.Value.ToArray();
        return DecodeBinary(headers, contentType, body);
    }

    /// <summary>The data of <paramref name="cloudEvent"/> as text, for logs and dead-letter error data.</summary>
    public static string DataAsText(CloudEvent cloudEvent) => cloudEvent.Data switch
    {
        null => "",
        string s => s,
        byte[] b => Encoding.UTF8.GetString(b),
        RawJsonData json => json.ToString(),
        _ => Encoding.UTF8.GetString(Formatter.EncodeBinaryModeEventData(cloudEvent).Span),
    };
}

/// <summary>The outcome of reading a CloudEvent: the event, or an HTTP status with the reason.</summary>
public sealed record CloudEventReadResult(CloudEvent? Event, CloudEventReadError? Error)
{
    /// <summary>A failed read.</summary>
    public static CloudEventReadResult Fail(int status, string reason) => new(null, new CloudEventReadError(status, reason));
}

/// <summary>Why a CloudEvent could not be read: the HTTP status to answer with and a reason naming the attribute.</summary>
public sealed record CloudEventReadError(int StatusCode, string Reason);
