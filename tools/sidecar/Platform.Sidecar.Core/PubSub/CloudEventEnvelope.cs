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
        var w = EnvelopeWriter.Rent(out var buffer);
        w.WriteStartObject();
        var traceParent = input.TraceParent ?? NewTraceParent();
        if (IsCloudEvent(input.ContentType) && TryParseObject(input.Data, out var existing))
        {
            using (existing) WriteCloudEvent(w, existing!.RootElement, input, now, traceParent);
        }
        else
        {
            WritePlain(w, input, now, traceParent);
        }
        w.WriteEndObject();
        return EnvelopeWriter.Return(w, buffer);
    }

    /// <summary>
    /// The envelope, as <see cref="Build"/>, after the checks of <see cref="Validate"/> for a structured CloudEvent:
    /// its body is parsed once for both. Returns the problem (nothing built), or null with <paramref name="envelope"/> set.
    /// </summary>
    public static string? TryBuild(in PublishInput input, DateTimeOffset now, out byte[] envelope)
    {
        envelope = [];
        if (!IsCloudEvent(input.ContentType))
        {
            envelope = Build(input, now);
            return null;
        }
        var (doc, problem) = ParseCloudEvent(input.Data.Span);
        if (problem is not null) return problem;
        using (doc)
        {
            var w = EnvelopeWriter.Rent(out var buffer);
            w.WriteStartObject();
            WriteCloudEvent(w, doc!.RootElement, input, now, input.TraceParent ?? NewTraceParent());
            w.WriteEndObject();
            envelope = EnvelopeWriter.Return(w, buffer);
            return null;
        }
    }

    /// <summary>
    /// One JSON writer and buffer per thread, reused by every envelope built on it: a publish then allocates only the
    /// envelope's own bytes (the buffer and the writer were two more objects and a copy per message at pub/sub load).
    /// </summary>
    private static class EnvelopeWriter
    {
        private const int KeptBytes = 64 * 1024; // a larger buffer (a rare large event) is dropped, not kept per thread
        [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
        [ThreadStatic] private static Utf8JsonWriter? t_writer;

        public static Utf8JsonWriter Rent(out ArrayBufferWriter<byte> buffer)
        {
            buffer = t_buffer ?? new ArrayBufferWriter<byte>(4096);
            t_buffer = null; // nested use on this thread (none today) would get fresh ones
            var writer = t_writer ?? new Utf8JsonWriter(buffer);
            t_writer = null;
            writer.Reset(buffer);
            return writer;
        }

        public static byte[] Return(Utf8JsonWriter writer, ArrayBufferWriter<byte> buffer)
        {
            writer.Flush();
            var bytes = buffer.WrittenSpan.ToArray();
            buffer.ResetWrittenCount();
            if (buffer.Capacity <= KeptBytes)
            {
                t_buffer = buffer;
                t_writer = writer;
            }
            return bytes;
        }
    }

    private static void WriteCloudEvent(Utf8JsonWriter w, JsonElement root, in PublishInput input, DateTimeOffset now, string traceParent)
    {
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

    private static void WritePlain(Utf8JsonWriter w, in PublishInput input, DateTimeOffset now, string traceParent)
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

    /// <summary>
    /// Checks a structured CloudEvent before it is published (as daprd refuses a body it cannot read as one): a JSON
    /// object whose context attributes, where present, are strings (<c>specversion</c> "1.0"), with at most one of
    /// <c>data</c> and <c>data_base64</c>, the latter valid base64. Missing <c>id</c>/<c>source</c>/<c>type</c> are
    /// filled in by <see cref="Build"/>. Returns the problem with its attribute, or null when the event is sound.
    /// </summary>
    public static string? Validate(ReadOnlySpan<byte> body)
    {
        var (doc, problem) = ParseCloudEvent(body);
        doc?.Dispose();
        return problem;
    }

    /// <summary>The body parsed, or the problem (then no document) as <see cref="Validate"/> words it.</summary>
    private static (JsonDocument? Document, string? Problem) ParseCloudEvent(ReadOnlySpan<byte> body)
    {
        JsonDocument doc;
        try
        {
            var reader = new Utf8JsonReader(body);
            doc = JsonDocument.ParseValue(ref reader);
            reader.Read(); // throws on content after the value
        }
        catch (JsonException e)
        {
            return (null, $"body: not valid JSON ({e.Message})");
        }
        var problem = Problem(doc.RootElement);
        if (problem is null) return (doc, null);
        doc.Dispose();
        return (null, problem);
    }

    private static string? Problem(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return $"body: a structured CloudEvent is a JSON object, got {root.ValueKind.ToString().ToLowerInvariant()}";
        foreach (var name in StringAttributes)
            if (root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.String)
                return $"{name}: must be a string, got {v.ValueKind.ToString().ToLowerInvariant()}";
        if (root.TryGetProperty("specversion", out var sv) && sv.GetString() != "1.0")
            return $"specversion: \"{sv.GetString()}\" is not supported (1.0)";
        foreach (var name in RequiredAttributes)
            if (root.TryGetProperty(name, out var v) && v.GetString()!.Length == 0) return $"{name}: must not be empty";
        var hasData = root.TryGetProperty("data", out _);
        if (root.TryGetProperty("data_base64", out var b64))
        {
            if (hasData) return "data_base64: an event carries data or data_base64, not both";
            if (b64.ValueKind != JsonValueKind.String || !b64.TryGetBytesFromBase64(out _))
                return "data_base64: must be a base64 string (RFC 4648)";
        }
        return null;
    }

    private static readonly string[] RequiredAttributes = ["id", "source", "type"];

    private static readonly string[] StringAttributes = ["id", "source", "type", "specversion", "datacontenttype", "dataschema", "subject", "time"];

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
