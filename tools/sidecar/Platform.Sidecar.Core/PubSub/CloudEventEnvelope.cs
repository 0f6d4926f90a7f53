using System.Buffers;
using System.Text.Json;

namespace Platform.Sidecar.Core.PubSub;

/// <summary>What a publish carries, before it becomes Dapr's CloudEvent envelope.</summary>
/// <param name="Data">The request body.</param>
/// <param name="ContentType">Its content type (<c>application/json</c> when not given, as DaprClient sends).</param>
/// <param name="Source">The publisher's app-id.</param>
/// <param name="Topic">The topic.</param>
/// <param name="PubSubName">The pub/sub component.</param>
/// <param name="TraceParent">W3C traceparent of the publish, or null to start a new trace.</param>
/// <param name="TraceState">W3C tracestate, or null.</param>
/// <param name="Ttl">metadata.ttlInSeconds as a span, or null.</param>
public readonly record struct PublishInput(
    ReadOnlyMemory<byte> Data,
    string? ContentType,
    string Source,
    string Topic,
    string PubSubName,
    string? TraceParent,
    string? TraceState,
    TimeSpan? Ttl);

/// <summary>
/// Builds Dapr's CloudEvent envelope (<c>id</c>, <c>source</c> = publisher app-id, <c>type</c>
/// <c>com.dapr.event.sent</c>, <c>specversion</c> 1.0, <c>datacontenttype</c>, <c>time</c>, <c>topic</c>,
/// <c>pubsubname</c>, trace fields, <c>data</c> or <c>data_base64</c>); a body that already is a CloudEvent
/// (<c>application/cloudevents+json</c>) keeps its own attributes and gets Dapr's added.
/// </summary>
public static class CloudEventEnvelope
{
    /// <summary>The content type of a structured CloudEvent.</summary>
    public const string CloudEventsContentType = "application/cloudevents+json";

    /// <summary>The envelope as UTF-8 JSON; <paramref name="now"/> stamps <c>time</c> and <c>expiration</c>.</summary>
    public static byte[] Build(in PublishInput input, DateTimeOffset now)
    {
        var buffer = new ArrayBufferWriter<byte>(input.Data.Length + 512);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = false }))
        {
            w.WriteStartObject();
            var traceParent = input.TraceParent ?? NewTraceParent();
            if (IsCloudEvent(input.ContentType) && TryParseObject(input.Data, out var existing))
            {
                using (existing)
                {
                    var root = existing!.RootElement;
                    foreach (var p in root.EnumerateObject())
                    {
                        if (p.NameEquals("topic") || p.NameEquals("pubsubname")) continue;
                        p.WriteTo(w);
                    }
                    if (!root.TryGetProperty("id", out _)) w.WriteString("id", Guid.NewGuid().ToString());
                    if (!root.TryGetProperty("source", out _)) w.WriteString("source", input.Source);
                    if (!root.TryGetProperty("type", out _)) w.WriteString("type", "com.dapr.event.sent");
                    if (!root.TryGetProperty("specversion", out _)) w.WriteString("specversion", "1.0");
                    if (!root.TryGetProperty("datacontenttype", out _) && (root.TryGetProperty("data", out var d) && d.ValueKind is JsonValueKind.Object or JsonValueKind.Array))
                        w.WriteString("datacontenttype", "application/json");
                    if (!root.TryGetProperty("time", out _)) w.WriteString("time", now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"));
                    if (!root.TryGetProperty("traceid", out _)) w.WriteString("traceid", traceParent);
                    if (!root.TryGetProperty("traceparent", out _)) w.WriteString("traceparent", traceParent);
                    if (!root.TryGetProperty("tracestate", out _)) w.WriteString("tracestate", input.TraceState ?? "");
                    WriteCommon(w, input, now);
                }
            }
            else
            {
                var contentType = string.IsNullOrEmpty(input.ContentType) ? "application/json" : input.ContentType;
                w.WriteString("id", Guid.NewGuid().ToString());
                w.WriteString("source", input.Source);
                w.WriteString("type", "com.dapr.event.sent");
                w.WriteString("specversion", "1.0");
                w.WriteString("datacontenttype", contentType);
                w.WriteString("time", now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"));
                w.WriteString("traceid", traceParent);
                w.WriteString("traceparent", traceParent);
                w.WriteString("tracestate", input.TraceState ?? "");
                WriteCommon(w, input, now);
                WriteData(w, input.Data.Span, contentType);
            }
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Wraps bytes published with <c>rawPayload</c> for a subscription that expects CloudEvents, as Dapr does:
    /// <c>data_base64</c> with <c>application/octet-stream</c>.
    /// </summary>
    public static byte[] WrapRaw(ReadOnlySpan<byte> raw, string topic, string pubsubName, string source)
    {
        var buffer = new ArrayBufferWriter<byte>(raw.Length * 4 / 3 + 384);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", Guid.NewGuid().ToString());
            w.WriteString("source", source);
            w.WriteString("type", "com.dapr.event.sent");
            w.WriteString("specversion", "1.0");
            w.WriteString("datacontenttype", "application/octet-stream");
            w.WriteString("topic", topic);
            w.WriteString("pubsubname", pubsubName);
            w.WriteBase64String("data_base64", raw);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>True when the envelope carries an <c>expiration</c> that lies before <paramref name="now"/>.</summary>
    public static bool IsExpired(ReadOnlySpan<byte> envelope, DateTimeOffset now)
    {
        if (envelope.IndexOf("\"expiration\""u8) < 0) return false;
        try
        {
            var reader = new Utf8JsonReader(envelope);
            using var doc = JsonDocument.ParseValue(ref reader);
            return doc.RootElement.TryGetProperty("expiration", out var e) && e.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(e.GetString(), out var at) && at < now;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>True for JSON content types (<c>application/json</c>, <c>*+json</c>, <c>text/json</c>).</summary>
    public static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType)) return false;
        var media = contentType.AsSpan();
        var semi = media.IndexOf(';');
        if (semi >= 0) media = media[..semi];
        media = media.Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.Equals("text/json", StringComparison.OrdinalIgnoreCase)
            || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>True for <c>application/cloudevents+json</c> (with or without parameters).</summary>
    public static bool IsCloudEvent(string? contentType) =>
        contentType is not null && contentType.StartsWith(CloudEventsContentType, StringComparison.OrdinalIgnoreCase);

    private static void WriteCommon(Utf8JsonWriter w, in PublishInput input, DateTimeOffset now)
    {
        w.WriteString("topic", input.Topic);
        w.WriteString("pubsubname", input.PubSubName);
        if (input.Ttl is { } ttl) w.WriteString("expiration", now.Add(ttl).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"));
    }

    private static void WriteData(Utf8JsonWriter w, ReadOnlySpan<byte> data, string contentType)
    {
        if (IsJson(contentType) && data.Length > 0 && IsValidJson(data))
        {
            w.WritePropertyName("data");
            w.WriteRawValue(data, skipInputValidation: true);
        }
        else if (contentType.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase) || !IsUtf8(data))
        {
            w.WriteBase64String("data_base64", data);
        }
        else
        {
            w.WriteString("data", data);
        }
    }

    private static bool IsValidJson(ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new Utf8JsonReader(data);
            reader.Read();
            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool IsUtf8(ReadOnlySpan<byte> data) => System.Text.Unicode.Utf8.IsValid(data);

    private static bool TryParseObject(ReadOnlyMemory<byte> data, out JsonDocument? doc)
    {
        try
        {
            doc = JsonDocument.Parse(data);
            if (doc.RootElement.ValueKind == JsonValueKind.Object) return true;
            doc.Dispose();
        }
        catch (JsonException)
        {
        }
        doc = null;
        return false;
    }

    private static string NewTraceParent()
    {
        Span<byte> bytes = stackalloc byte[24];
        Random.Shared.NextBytes(bytes);
        return $"00-{Convert.ToHexStringLower(bytes[..16])}-{Convert.ToHexStringLower(bytes[16..])}-01";
    }
}
