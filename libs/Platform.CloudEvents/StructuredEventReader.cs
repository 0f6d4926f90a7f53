using System.Net.Mime;
using System.Text.Json;
using CloudNative.CloudEvents;

namespace Platform.CloudEvents;

/// <summary>
/// Decodes a structured-mode JSON CloudEvent in one forward pass with <see cref="Utf8JsonReader"/>, for the hot
/// path where every delivery decodes the event it carries (the broker's trigger topics). The result is the event
/// the SDK's <see cref="CloudNative.CloudEvents.SystemTextJson.JsonEventFormatter"/> decodes, with one difference:
/// JSON <c>data</c> is kept as its text (<see cref="RawJsonData"/>) instead of a parsed <see cref="JsonElement"/>,
/// and is written back byte for byte. Attributes go through the SDK's own <c>SetAttributeFromString</c>, so their
/// validation is the SDK's. Anything outside the common shape (specversion not the first member, a duplicated data
/// member, an attribute of the wrong JSON type, bad base64, a missing required attribute) is handed to the SDK's
/// decoder, which decodes it or throws the error it always threw.
/// </summary>
public static class StructuredEventReader
{
    private const string JsonMediaType = "application/json";

    /// <summary>Decodes <paramref name="utf8"/>; throws as the SDK's decoder does for what is not a valid CloudEvent.</summary>
    public static CloudEvent Decode(ReadOnlyMemory<byte> utf8) => TryDecode(utf8) ?? DecodeWithSdk(utf8);

    /// <summary>The SDK's decoder: what the one-pass reader falls back to.</summary>
    internal static CloudEvent DecodeWithSdk(ReadOnlyMemory<byte> utf8) =>
        CloudEventHttp.Formatter.DecodeStructuredModeMessage(utf8, new ContentType(CloudEventHttp.StructuredJsonMediaType), null);

    /// <summary>The event, or null when it is not of the common shape (the caller asks the SDK).</summary>
    internal static CloudEvent? TryDecode(ReadOnlyMemory<byte> utf8)
    {
        try
        {
            return Read(utf8);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or FormatException or InvalidOperationException)
        {
            return null; // the SDK decodes it again and throws its own, familiar error
        }
    }

    private static CloudEvent? Read(ReadOnlyMemory<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8.Span);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals("specversion"u8)) return null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.String) return null;
        var specVersion = CloudEventsSpecVersion.FromVersionId(reader.GetString());
        if (specVersion is null) return null;
        var cloudEvent = new CloudEvent(specVersion);

        (int Start, int End, bool IsString)? data = null;
        byte[]? dataBase64 = null;
        while (true)
        {
            if (!reader.Read()) return null;
            if (reader.TokenType == JsonTokenType.EndObject) break;
            if (reader.ValueTextEquals("specversion"u8)) return null;
            if (reader.ValueTextEquals("data"u8))
            {
                if (data is not null) return null;
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                var isString = reader.TokenType == JsonTokenType.String;
                var isNull = reader.TokenType == JsonTokenType.Null;
                reader.Skip();
                if (!isNull) data = (start, (int)reader.BytesConsumed, isString);
                continue;
            }
            if (reader.ValueTextEquals("data_base64"u8))
            {
                if (dataBase64 is not null) return null;
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null) continue;
                if (reader.TokenType != JsonTokenType.String) return null;
                dataBase64 = reader.GetBytesFromBase64();
                continue;
            }
            var name = reader.GetString()!;
            reader.Read();
            var known = cloudEvent.GetAttribute(name) is { IsExtension: false };
            // As the SDK: a core attribute (all are strings in 1.0) must be a JSON string; an extension may also be
            // an integer or a boolean, kept as its string form; null means absent.
            string? value = reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString(),
                JsonTokenType.Null => null,
                JsonTokenType.True when !known => CloudEventAttributeType.Boolean.Format(true),
                JsonTokenType.False when !known => CloudEventAttributeType.Boolean.Format(false),
                JsonTokenType.Number when !known && reader.TryGetInt32(out var number) => CloudEventAttributeType.Integer.Format(number),
                _ => throw new FormatException("not of the common shape"),
            };
            if (value is not null) cloudEvent.SetAttributeFromString(name, value);
        }
        if (reader.Read()) return null; // trailing content: the SDK's parser refuses it

        if (data is not null && dataBase64 is not null) return null;
        if (dataBase64 is not null) cloudEvent.Data = dataBase64;
        else if (data is { } json)
        {
            cloudEvent.DataContentType ??= JsonMediaType;
            var text = utf8[json.Start..json.End];
            if (IsJson(cloudEvent.DataContentType)) cloudEvent.Data = new RawJsonData(text);
            else if (json.IsString) cloudEvent.Data = ReadString(text.Span);
            else return null;
        }
        return cloudEvent.IsValid ? cloudEvent : null;
    }

    private static string ReadString(ReadOnlySpan<byte> token)
    {
        var reader = new Utf8JsonReader(token);
        reader.Read();
        return reader.GetString()!;
    }

    // The SDK's rule: a media type ending in /json or +json is JSON. The common value is checked without parsing.
    private static bool IsJson(string dataContentType)
    {
        if (dataContentType == JsonMediaType) return true;
        var mediaType = new ContentType(dataContentType).MediaType;
        return mediaType.EndsWith("/json", StringComparison.Ordinal) || mediaType.EndsWith("+json", StringComparison.Ordinal);
    }
}
