using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Resources.Core;

/// <summary>Kubernetes <c>IntOrString</c>: a port number or a port name (probes, traffic ports).</summary>
[JsonConverter(typeof(IntOrStringConverter))]
public readonly record struct IntOrString
{
    private IntOrString(int? number, string? text)
    {
        IntValue = number;
        StringValue = text;
    }

    /// <summary>The integer form, when the value is a number.</summary>
    public int? IntValue { get; }

    /// <summary>The string form, when the value is a name.</summary>
    public string? StringValue { get; }

    /// <summary>True when the value is a number.</summary>
    public bool IsInt => IntValue.HasValue;

    /// <summary>A numeric value.</summary>
    public static IntOrString FromInt(int value) => new(value, null);

    /// <summary>A named value.</summary>
    public static IntOrString FromString(string value) => new(null, value);

    /// <summary>Implicit conversion from a number.</summary>
    public static implicit operator IntOrString(int value) => FromInt(value);

    /// <inheritdoc />
    public override string ToString() => IntValue?.ToString(CultureInfo.InvariantCulture) ?? StringValue ?? "";
}

internal sealed class IntOrStringConverter : JsonConverter<IntOrString>
{
    public override IntOrString Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Number => IntOrString.FromInt(reader.GetInt32()),
            JsonTokenType.String => IntOrString.FromString(reader.GetString()!),
            _ => throw new JsonException("expected an integer or a string"),
        };

    public override void Write(Utf8JsonWriter writer, IntOrString value, JsonSerializerOptions options)
    {
        if (value.IntValue is int number)
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteStringValue(value.StringValue);
        }
    }
}
