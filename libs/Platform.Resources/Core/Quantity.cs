using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Platform.Resources.Core;

/// <summary>
/// Kubernetes resource quantity (<c>500m</c>, <c>128Mi</c>, <c>1</c>, <c>1e3</c>). Accepted as a number or a string,
/// written as a string, the way the Kubernetes API returns it.
/// </summary>
[JsonConverter(typeof(QuantityConverter))]
public readonly partial record struct Quantity(string Value)
{
    private static readonly Dictionary<string, decimal> Suffixes = new(StringComparer.Ordinal)
    {
        [""] = 1m,
        ["n"] = 1e-9m,
        ["u"] = 1e-6m,
        ["m"] = 1e-3m,
        ["k"] = 1e3m,
        ["M"] = 1e6m,
        ["G"] = 1e9m,
        ["T"] = 1e12m,
        ["P"] = 1e15m,
        ["E"] = 1e18m,
        ["Ki"] = 1024m,
        ["Mi"] = 1024m * 1024,
        ["Gi"] = 1024m * 1024 * 1024,
        ["Ti"] = 1024m * 1024 * 1024 * 1024,
        ["Pi"] = 1024m * 1024 * 1024 * 1024 * 1024,
        ["Ei"] = 1024m * 1024 * 1024 * 1024 * 1024 * 1024,
    };

    [GeneratedRegex(@"^([+-]?[0-9]*\.?[0-9]+)(?:([eE][+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$")]
    private static partial Regex Pattern();

    /// <summary>Parses the quantity into a number (cores, bytes); false when it is not a valid quantity.</summary>
    public bool TryGetNumber(out decimal number)
    {
        number = 0;
        var match = Pattern().Match(Value ?? "");
        if (!match.Success || !decimal.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var mantissa))
        {
            return false;
        }

        if (match.Groups[2].Success)
        {
            var exponent = int.Parse(match.Groups[2].Value[1..], CultureInfo.InvariantCulture);
            if (exponent is < -28 or > 28)
            {
                return false;
            }

            number = mantissa * (decimal)Math.Pow(10, exponent);
            return true;
        }

        number = mantissa * Suffixes[match.Groups[3].Value];
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Value;
}

internal sealed class QuantityConverter : JsonConverter<Quantity>
{
    public override Quantity Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.String => new Quantity(reader.GetString()!),
            JsonTokenType.Number => new Quantity(Encoding.GetString(reader)),
            _ => throw new JsonException("expected a quantity (number or string)"),
        };

    public override void Write(Utf8JsonWriter writer, Quantity value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);

    private static class Encoding
    {
        public static string GetString(Utf8JsonReader reader) =>
            System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan.ToArray());
    }
}
