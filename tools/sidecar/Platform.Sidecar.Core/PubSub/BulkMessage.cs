using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Platform.Sidecar.Core.PubSub;

/// <summary>
/// The body of a bulk delivery to the app (Dapr's bulk subscribe, <c>application/cloudevents-batch+json</c>):
/// <c>{"entries":[{"entryId","event","contentType","metadata"}…],"id","metadata":{"pubsubName"},"pubsubname","topic","type":"com.dapr.event.sent.bulk"}</c>.
/// Each <c>event</c> is the CloudEvent envelope as stored; the app answers <c>{"statuses":[{"entryId","status"}…]}</c>
/// (read by <see cref="DeliveryOutcome.FromBulkResponse"/>).
/// </summary>
public static class BulkMessage
{
    /// <summary>The request's content type.</summary>
    public const string ContentType = "application/cloudevents-batch+json";

    /// <summary>The bulk message's <c>type</c>.</summary>
    public const string EventType = "com.dapr.event.sent.bulk";

    // The writer's default encoder would send application/cloudevents\u002Bjson: valid JSON, but not what Dapr writes.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes the body for <paramref name="entries"/>, each a JSON CloudEvent envelope (see <see cref="IsJson"/>).</summary>
    public static void Write(IBufferWriter<byte> output, string id, string pubsubName, string topic, IReadOnlyList<(string EntryId, ReadOnlyMemory<byte> Event)> entries)
    {
        using var w = new Utf8JsonWriter(output, Options);
        w.WriteStartObject();
        w.WriteStartArray("entries"u8);
        foreach (var (entryId, e) in entries)
        {
            w.WriteStartObject();
            w.WriteString("entryId"u8, entryId);
            w.WritePropertyName("event"u8);
            // Checked by IsJson before the entry joined the batch: one malformed event must not break the others.
            w.WriteRawValue(e.Span, skipInputValidation: true);
            w.WriteString("contentType"u8, CloudEventEnvelope.CloudEventsContentType);
            w.WriteStartObject("metadata"u8);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("id"u8, id);
        w.WriteStartObject("metadata"u8);
        w.WriteString("pubsubName"u8, pubsubName);
        w.WriteEndObject();
        w.WriteString("pubsubname"u8, pubsubName);
        w.WriteString("topic"u8, topic);
        w.WriteString("type"u8, EventType);
        w.WriteEndObject();
    }

    /// <summary>True when <paramref name="json"/> is one complete JSON value (so that it can be written raw).</summary>
    public static bool IsJson(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read()) return false;
            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
