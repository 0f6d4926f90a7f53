using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Platform.Resources.Core;

namespace Platform.Resources.Crds;

/// <summary>
/// The structural <c>openAPIV3Schema</c> of a model type, walked through the same System.Text.Json contract the
/// serializer uses, so a field is named in the CRD exactly as the model writes it. Pure.
/// <list type="bullet">
/// <item>strings, booleans, integers (<c>int32</c>/<c>int64</c>), numbers; timestamps are <c>date-time</c> strings;</item>
/// <item><see cref="IntOrString"/> and <see cref="Quantity"/> are <c>x-kubernetes-int-or-string</c>, as in Kubernetes' own schemas;</item>
/// <item>dictionaries are objects with <c>additionalProperties</c>, lists are arrays with <c>items</c>;</item>
/// <item>untyped JSON (<c>JsonObject</c>, <c>JsonNode</c>) and a type met again inside itself (a filter's
/// <c>all</c>/<c>any</c>/<c>not</c>: structural schemas cannot recurse) keep unknown fields;</item>
/// <item>properties are sorted by name, so that the output is stable;</item>
/// <item>the <see cref="CrdFieldRules"/> of a type's property (range, enum, default, required) are added to its schema.</item>
/// </list>
/// </summary>
internal sealed class CrdSchemaBuilder(JsonSerializerOptions options)
{
    private readonly Stack<Type> _path = new();

    /// <summary>The schema of <paramref name="type"/>.</summary>
    public JsonObject Schema(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return Typed("string");
        if (type == typeof(bool)) return Typed("boolean");
        if (type == typeof(int) || type == typeof(short)) return new JsonObject { ["type"] = "integer", ["format"] = "int32" };
        if (type == typeof(long)) return new JsonObject { ["type"] = "integer", ["format"] = "int64" };
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return Typed("number");
        if (type == typeof(DateTimeOffset) || type == typeof(DateTime)) return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        if (type == typeof(IntOrString) || type == typeof(Quantity)) return IntOrStringSchema();
        if (type == typeof(JsonObject)) return new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
        if (type == typeof(JsonNode) || type == typeof(JsonElement) || type == typeof(object) || type == typeof(JsonArray))
            return new JsonObject { ["x-kubernetes-preserve-unknown-fields"] = true };

        var info = options.GetTypeInfo(type);
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Dictionary:
                return new JsonObject { ["type"] = "object", ["additionalProperties"] = Schema(info.ElementType!) };
            case JsonTypeInfoKind.Enumerable:
                return new JsonObject { ["type"] = "array", ["items"] = Schema(info.ElementType!) };
            case JsonTypeInfoKind.Object:
                if (_path.Contains(type))
                {
                    return new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
                }

                _path.Push(type);
                try
                {
                    return ObjectSchema(type, info);
                }
                finally
                {
                    _path.Pop();
                }

            default:
                // A type with its own converter: the serializer decides what it accepts.
                return new JsonObject { ["x-kubernetes-preserve-unknown-fields"] = true };
        }
    }

    private JsonObject ObjectSchema(Type type, JsonTypeInfo info)
    {
        var properties = new JsonObject();
        var required = new List<string>();
        foreach (var property in info.Properties.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            // The contract lists [JsonIgnore]d members too (the typed views SpecObject/StatusObject): never on the wire.
            if (property.AttributeProvider?.IsDefined(typeof(System.Text.Json.Serialization.JsonIgnoreAttribute), inherit: true) == true) continue;
            var schema = Schema(property.PropertyType);
            if (CrdFieldRules.For(type, property.Name) is { } rule)
            {
                rule.ApplyTo(schema);
                if (rule.Required) required.Add(property.Name);
            }

            properties[property.Name] = schema;
        }

        var result = new JsonObject { ["type"] = "object", ["properties"] = properties };
        if (required.Count > 0) result["required"] = new JsonArray([.. required.Select(r => (JsonNode)r)]);
        return result;
    }

    private static JsonObject Typed(string type) => new() { ["type"] = type };

    private static JsonObject IntOrStringSchema() => new()
    {
        ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" }),
        ["x-kubernetes-int-or-string"] = true,
    };
}
