using System.Text.Json;
using Platform.Sidecar.Hosting;

namespace Platform.Sidecar.PubSub;

/// <summary>
/// <c>POST /v1.0/publish/{pubsub}/{topic}</c> and <c>POST /v1.0-alpha1/publish/bulk/{pubsub}/{topic}</c>;
/// query <c>metadata.X=Y</c> becomes publish metadata (<c>rawPayload</c>, <c>ttlInSeconds</c>).
/// </summary>
internal static class PublishEndpoints
{
    /// <summary>Maps the publish API.</summary>
    public static IEndpointRouteBuilder MapPublishApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1.0/publish/{pubsub}/{**topic}", PublishAsync);
        endpoints.MapPost("/v1.0-alpha1/publish/bulk/{pubsub}/{**topic}", BulkPublishAsync);
        return endpoints;
    }

    private static async Task<IResult> PublishAsync(string pubsub, string topic, HttpRequest request, Publisher publisher, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(request, cancellationToken).ConfigureAwait(false);
        var result = await publisher.PublishAsync(pubsub, topic, body, request.ContentType, QueryMetadata(request.Query),
            request.Headers["traceparent"].FirstOrDefault(), request.Headers["tracestate"].FirstOrDefault(), cancellationToken).ConfigureAwait(false);
        return result.Error == PublishError.Ok ? Results.NoContent() : result.ToDaprError(pubsub, topic).ToResult();
    }

    private static async Task<IResult> BulkPublishAsync(string pubsub, string topic, HttpRequest request, Publisher publisher, CancellationToken cancellationToken)
    {
        var (component, check) = publisher.Resolve(pubsub, topic);
        if (component is null) return check.ToDaprError(pubsub, topic).ToResult();
        var body = await ReadBodyAsync(request, cancellationToken).ConfigureAwait(false);
        List<(string EntryId, ReadOnlyMemory<byte> Payload)> entries = [];
        var common = QueryMetadata(request.Query);
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Array) return DaprError.Malformed("body: expected a JSON array of entries").ToResult();
            var i = 0;
            foreach (var e in doc.RootElement.EnumerateArray())
            {
                var at = $"entries[{i++}]";
                var entryId = e.TryGetProperty("entryId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString()! : "";
                if (entryId.Length == 0) return DaprError.Malformed($"{at}.entryId: is required").ToResult();
                if (!e.TryGetProperty("event", out var ev)) return DaprError.Malformed($"{at}.event: is required").ToResult();
                var contentType = e.TryGetProperty("contentType", out var ct) && ct.ValueKind == JsonValueKind.String ? ct.GetString() : null;
                ReadOnlyMemory<byte> data = ev.ValueKind == JsonValueKind.String && !CloudEventIsJson(contentType)
                    ? System.Text.Encoding.UTF8.GetBytes(ev.GetString()!)
                    : System.Text.Encoding.UTF8.GetBytes(ev.GetRawText());
                var metadata = new Dictionary<string, string>(common, StringComparer.Ordinal);
                if (e.TryGetProperty("metadata", out var md) && md.ValueKind == JsonValueKind.Object)
                    foreach (var p in md.EnumerateObject()) metadata[p.Name] = p.Value.ToString();
                if (!publisher.TryPayload(pubsub, topic, data, contentType ?? "application/json", metadata, request.Headers["traceparent"].FirstOrDefault(), null, out var payload, out var error))
                    return error.ToDaprError(pubsub, topic).ToResult();
                entries.Add((entryId, payload));
            }
        }
        catch (JsonException e)
        {
            return DaprError.Malformed("body: " + e.Message).ToResult();
        }
        var failed = new List<object>();
        var results = await Task.WhenAll(entries.Select(e => publisher.AppendAsync(component, topic, e.Payload, cancellationToken))).ConfigureAwait(false);
        for (var i = 0; i < results.Length; i++)
            if (results[i].Error != PublishError.Ok) failed.Add(new { entryId = entries[i].EntryId, error = results[i].Detail });
        return failed.Count == 0
            ? Results.NoContent()
            : Results.Json(new { failedEntries = failed, errorCode = "ERR_PUBSUB_PUBLISH_MESSAGE" }, statusCode: 500);
    }

    private static bool CloudEventIsJson(string? contentType) =>
        contentType is null || Core.PubSub.CloudEventEnvelope.IsJson(contentType);

    internal static Dictionary<string, string> QueryMetadata(IQueryCollection query)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in query)
            if (key.StartsWith("metadata.", StringComparison.Ordinal)) metadata[key["metadata.".Length..]] = value.ToString();
        return metadata;
    }

    internal static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } length and < 1_048_576)
        {
            var buffer = new byte[length];
            await request.Body.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer;
        }
        using var ms = new MemoryStream();
        await request.Body.CopyToAsync(ms, cancellationToken).ConfigureAwait(false);
        return ms.ToArray();
    }
}
