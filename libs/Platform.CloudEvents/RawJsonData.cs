using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.CloudEvents;

/// <summary>
/// The <c>data</c> of a JSON CloudEvent kept as the UTF-8 JSON text it arrived as, so that an event passed on
/// unchanged (the broker's deliveries) is never parsed into a document and serialized back. It is written as that
/// exact JSON: as the body in binary mode, as the <c>data</c> member in structured mode (never <c>data_base64</c>).
/// <see cref="StructuredEventReader"/> produces it; code that needs the values parses <see cref="Utf8"/> itself.
/// </summary>
[JsonConverter(typeof(RawJsonDataConverter))]
public sealed class RawJsonData
{
    /// <summary>Wraps <paramref name="utf8"/>, which must hold one complete, valid JSON value (it is not checked again).</summary>
    public RawJsonData(ReadOnlyMemory<byte> utf8) => Utf8 = utf8;

    /// <summary>The JSON value, UTF-8.</summary>
    public ReadOnlyMemory<byte> Utf8 { get; }

    /// <summary>The JSON text.</summary>
    public override string ToString() => Encoding.UTF8.GetString(Utf8.Span);
}

/// <summary>Writes <see cref="RawJsonData"/> as its JSON text (reading it back parses a value into one).</summary>
public sealed class RawJsonDataConverter : JsonConverter<RawJsonData>
{
    /// <inheritdoc />
    public override RawJsonData Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return new RawJsonData(JsonSerializer.SerializeToUtf8Bytes(document.RootElement));
    }

    /// <inheritdoc />
    // The text came out of a Utf8JsonReader over a whole valid document: validating it again would only cost time.
    public override void Write(Utf8JsonWriter writer, RawJsonData value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.Utf8.Span, skipInputValidation: true);
}
