using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Platform.Resources.Core;
using Platform.Resources.Validation;

namespace Platform.Resources.Serialization;

/// <summary>
/// Walks a JSON tree against the contract of a C# type before it is deserialized, so that every unknown field
/// and every wrong type is reported with its path (System.Text.Json stops at the first).
/// </summary>
internal sealed class SchemaCheck(JsonSerializerOptions options, ParsedDocument? document, int documentNumber)
{
    private readonly List<ReadError> _errors = [];

    public IReadOnlyList<ReadError> Errors => _errors;

    public void Check(JsonNode? node, Type type, string path)
    {
        if (node is null)
        {
            return; // null means "not set" for every field.
        }

        type = Nullable.GetUnderlyingType(type) ?? type;
        var kind = node.GetValueKind();

        if (type == typeof(JsonObject))
        {
            Expect(kind == JsonValueKind.Object, path, "object", kind);
            return;
        }

        if (type == typeof(JsonNode) || type == typeof(JsonElement) || type == typeof(object))
        {
            return;
        }

        if (type == typeof(string))
        {
            if (kind != JsonValueKind.String)
            {
                Add(path, kind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False
                    ? $"expected string, got {Describe(kind)} (quote the value)"
                    : $"expected string, got {Describe(kind)}");
            }

            return;
        }

        if (type == typeof(bool))
        {
            Expect(kind is JsonValueKind.True or JsonValueKind.False, path, "boolean", kind);
            return;
        }

        if (type == typeof(int) || type == typeof(long))
        {
            if (Expect(kind == JsonValueKind.Number, path, "integer", kind))
            {
                var text = node.ToJsonString();
                var fits = type == typeof(int)
                    ? int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
                    : long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);
                if (!fits)
                {
                    Add(path, $"expected integer, got {text}");
                }
            }

            return;
        }

        if (type == typeof(double) || type == typeof(decimal))
        {
            Expect(kind == JsonValueKind.Number, path, "number", kind);
            return;
        }

        if (type == typeof(DateTimeOffset))
        {
            if (Expect(kind == JsonValueKind.String, path, "timestamp", kind) &&
                !DateTimeOffset.TryParse(node.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
            {
                Add(path, $"expected an RFC 3339 timestamp, got \"{node.GetValue<string>()}\"");
            }

            return;
        }

        if (type == typeof(IntOrString))
        {
            if (Expect(kind is JsonValueKind.Number or JsonValueKind.String, path, "integer or string", kind) &&
                kind == JsonValueKind.Number && !int.TryParse(node.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            {
                Add(path, $"expected integer or string, got {node.ToJsonString()}");
            }

            return;
        }

        if (type == typeof(Quantity))
        {
            Expect(kind is JsonValueKind.Number or JsonValueKind.String, path, "quantity", kind);
            return;
        }

        var info = options.GetTypeInfo(type);
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Dictionary:
                if (Expect(kind == JsonValueKind.Object, path, "object", kind))
                {
                    var valueType = info.ElementType!;
                    foreach (var (key, value) in node.AsObject())
                    {
                        Check(value, valueType, FieldPath.Key(path, key));
                    }
                }

                return;
            case JsonTypeInfoKind.Enumerable:
                if (Expect(kind == JsonValueKind.Array, path, "array", kind))
                {
                    var elementType = info.ElementType!;
                    var index = 0;
                    foreach (var item in node.AsArray())
                    {
                        Check(item, elementType, FieldPath.Index(path, index++));
                    }
                }

                return;
            case JsonTypeInfoKind.Object:
                if (!Expect(kind == JsonValueKind.Object, path, "object", kind))
                {
                    return;
                }

                var properties = new Dictionary<string, JsonPropertyInfo>(StringComparer.Ordinal);
                foreach (var property in info.Properties)
                {
                    properties[property.Name] = property;
                }

                var obj = node.AsObject();
                foreach (var (name, value) in obj)
                {
                    var childPath = FieldPath.Child(path, name);
                    if (properties.TryGetValue(name, out var property))
                    {
                        Check(value, property.PropertyType, childPath);
                    }
                    else
                    {
                        var position = document?.PositionOf(obj, name);
                        _errors.Add(new ReadError(documentNumber, childPath, "unknown field", position?.Line, position?.Column));
                    }
                }

                return;
            default:
                return; // A type with its own converter: the deserializer has the last word.
        }
    }

    private bool Expect(bool ok, string path, string expected, JsonValueKind actual)
    {
        if (!ok)
        {
            Add(path, $"expected {expected}, got {Describe(actual)}");
        }

        return ok;
    }

    private void Add(string path, string message) => _errors.Add(new ReadError(documentNumber, path, message));

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };
}
