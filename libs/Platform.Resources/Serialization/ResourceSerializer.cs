using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Platform.Resources.Meta;
using Platform.Resources.Validation;

namespace Platform.Resources.Serialization;

/// <summary>
/// Reads YAML or JSON (single or multi-document, JSON arrays and <c>kind: List</c>) into typed resources chosen by
/// apiVersion+kind, and writes them back as YAML or JSON in Kubernetes' field order with nulls omitted.
/// Reading reports every syntax error (with line and column), unknown field and wrong type, each with its path.
/// </summary>
public sealed class ResourceSerializer
{
    /// <summary>Creates a serializer for the modelled kinds of <paramref name="types"/>.</summary>
    public ResourceSerializer(ResourceTypes types)
    {
        Types = types;
        JsonOptions = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { BaseFieldsFirst } },
        };
        JsonOptions.MakeReadOnly();
        _indented = new JsonSerializerOptions(JsonOptions) { WriteIndented = true };
        _indented.MakeReadOnly();
    }

    // Options are costly to build (they cache type metadata): one per output shape.
    private readonly JsonSerializerOptions _indented;

    /// <summary>A serializer for every Knative kind Platform serves.</summary>
    public static ResourceSerializer Default { get; } = new(ResourceTypes.Knative);

    /// <summary>The kinds this serializer reads, with their C# types.</summary>
    public ResourceTypes Types { get; }

    /// <summary>The System.Text.Json options used for every resource (camelCase, nulls omitted).</summary>
    public JsonSerializerOptions JsonOptions { get; }

    /// <summary>Reads every resource in <paramref name="text"/> (YAML or JSON) and every error.</summary>
    public ReadResult Read(string text)
    {
        var resources = new List<Resource>();
        var errors = new List<ReadError>();
        var trimmed = text.TrimStart();
        if (trimmed.StartsWith('{') || trimmed.StartsWith('['))
        {
            JsonNode? root;
            try
            {
                root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
            }
            catch (JsonException e)
            {
                var line = (int)(e.LineNumber ?? 0) + 1;
                var column = (int)(e.BytePositionInLine ?? 0) + 1;
                errors.Add(new ReadError(1, "", $"malformed JSON: {FirstSentence(e.Message)}", line, column));
                return new ReadResult(resources, errors);
            }

            ReadRoot(root, null, 1, resources, errors);
            return new ReadResult(resources, errors);
        }

        List<ParsedDocument> documents;
        try
        {
            documents = YamlText.Parse(text);
        }
        catch (YamlSyntaxException e)
        {
            errors.Add(new ReadError(1, "", $"malformed YAML: {e.Reason}", e.Line, e.Column));
            return new ReadResult(resources, errors);
        }

        var number = 0;
        foreach (var document in documents)
        {
            number++;
            ReadRoot(document.Root, document, number, resources, errors);
        }

        return new ReadResult(resources, errors);
    }

    /// <summary>Reads exactly one resource; throws <see cref="ResourceFormatException"/> with every error otherwise.</summary>
    public Resource ReadOne(string text)
    {
        var result = Read(text);
        if (!result.Success)
        {
            throw new ResourceFormatException(result.Errors);
        }

        return result.Resources.Count == 1
            ? result.Resources[0]
            : throw new ResourceFormatException([new ReadError(1, "", $"expected exactly one resource, found {result.Resources.Count}")]);
    }

    /// <summary>Reads exactly one resource of kind <typeparamref name="T"/>.</summary>
    public T ReadOne<T>(string text) where T : Resource =>
        ReadOne(text) as T ?? throw new ResourceFormatException([new ReadError(1, "kind", $"expected {Types.KindOf<T>().Kind}")]);

    /// <summary>Reads one resource from an already parsed JSON object (e.g. a merge-patched object).</summary>
    public ReadResult ReadNode(JsonNode node)
    {
        var resources = new List<Resource>();
        var errors = new List<ReadError>();
        ReadResource(node, null, 1, "", resources, errors);
        return new ReadResult(resources, errors);
    }

    /// <summary>The resource as a JSON tree (camelCase, nulls omitted, apiVersion/kind/metadata/spec/status order).</summary>
    public JsonObject ToNode(Resource resource) => JsonSerializer.SerializeToNode(resource, resource.GetType(), JsonOptions)!.AsObject();

    /// <summary>The resource as JSON.</summary>
    public string ToJson(Resource resource, bool indented = true) =>
        JsonSerializer.Serialize(resource, resource.GetType(), indented ? _indented : JsonOptions);

    /// <summary>Several resources as a Kubernetes <c>v1 List</c>.</summary>
    public string ToJson(IEnumerable<Resource> resources, bool indented = true)
    {
        var list = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "List",
            ["items"] = new JsonArray([.. resources.Select(r => (JsonNode)ToNode(r))]),
        };
        return list.ToJsonString(indented ? _indented : JsonOptions);
    }

    /// <summary>The resource as YAML.</summary>
    public string ToYaml(Resource resource) => YamlWriter.Write([ToNode(resource)]);

    /// <summary>Several resources as one multi-document YAML text (<c>---</c> between documents).</summary>
    public string ToYaml(IEnumerable<Resource> resources) => YamlWriter.Write(resources.Select(r => (JsonNode?)ToNode(r)));

    /// <summary>Any JSON tree (a Status, a list) as YAML.</summary>
    public static string ToYaml(JsonNode node) => YamlWriter.Write([node]);

    /// <summary>
    /// True when both specs serialize to the same JSON: the API server bumps <c>metadata.generation</c> only when
    /// this is false.
    /// </summary>
    public bool SameSpec(Resource a, Resource b) =>
        a.GetType() == b.GetType() &&
        JsonNode.DeepEquals(
            a.SpecObject is null ? null : JsonSerializer.SerializeToNode(a.SpecObject, a.SpecObject.GetType(), JsonOptions),
            b.SpecObject is null ? null : JsonSerializer.SerializeToNode(b.SpecObject, b.SpecObject.GetType(), JsonOptions));

    /// <summary>A deep copy.</summary>
    public T Clone<T>(T resource) where T : Resource =>
        (T)JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(resource, resource.GetType(), JsonOptions), resource.GetType(), JsonOptions)!;

    // Go embeds the base struct first (RevisionSpec = PodSpec, then containerConcurrency...); write in that order.
    private static void BaseFieldsFirst(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object || info.Properties.Count < 2)
        {
            return;
        }

        static int Depth(Type? type)
        {
            var depth = 0;
            for (; type?.BaseType is not null; type = type.BaseType)
            {
                depth++;
            }

            return depth;
        }

        var ordered = info.Properties
            .Select((p, i) => (Property: p, Index: i))
            .OrderBy(x => x.Property.Order)
            .ThenBy(x => Depth((x.Property.AttributeProvider as System.Reflection.MemberInfo)?.DeclaringType))
            .ThenBy(x => x.Index)
            .Select(x => x.Property)
            .ToList();
        info.Properties.Clear();
        foreach (var property in ordered)
        {
            info.Properties.Add(property);
        }
    }

    private void ReadRoot(JsonNode? root, ParsedDocument? document, int number, List<Resource> resources, List<ReadError> errors)
    {
        switch (root)
        {
            case null:
                return; // An empty document (a trailing ---, or only comments).
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    ReadResource(array[i], document, number, FieldPath.Index("", i), resources, errors);
                }

                return;
            case JsonObject obj when obj["kind"] is JsonValue kind && kind.GetValueKind() == JsonValueKind.String && kind.GetValue<string>() == "List" &&
                                     obj["apiVersion"]?.GetValueKind() == JsonValueKind.String && obj["apiVersion"]!.GetValue<string>() == "v1":
                if (obj["items"] is JsonArray items)
                {
                    for (var i = 0; i < items.Count; i++)
                    {
                        ReadResource(items[i], document, number, FieldPath.Index("items", i), resources, errors);
                    }
                }

                return;
            default:
                ReadResource(root, document, number, "", resources, errors);
                return;
        }
    }

    private void ReadResource(JsonNode? node, ParsedDocument? document, int number, string path, List<Resource> resources, List<ReadError> errors)
    {
        if (node is not JsonObject obj)
        {
            errors.Add(new ReadError(number, path, "expected a resource (a mapping with apiVersion and kind)"));
            return;
        }

        var apiVersion = RequiredString(obj, "apiVersion", number, path, errors);
        var kind = RequiredString(obj, "kind", number, path, errors);
        if (apiVersion is null || kind is null)
        {
            return;
        }

        var info = Types.Find(apiVersion, kind);
        if (info is null)
        {
            var others = Types.Kinds.WithKind(kind).Where(k => Types.TypeOf(k) is not null).Select(k => k.ApiVersion).ToList();
            errors.Add(others.Count > 0
                ? new ReadError(number, FieldPath.Child(path, "apiVersion"), $"{apiVersion} does not serve kind {kind}; use {string.Join(" or ", others)}")
                : new ReadError(number, FieldPath.Child(path, "kind"), $"unknown kind \"{kind}\" in {apiVersion}"));
            return;
        }

        var check = new SchemaCheck(JsonOptions, document, number);
        check.Check(obj, info.Value.Type, path);
        if (check.Errors.Count > 0)
        {
            errors.AddRange(check.Errors);
            return;
        }

        try
        {
            resources.Add((Resource)obj.Deserialize(info.Value.Type, JsonOptions)!);
        }
        catch (JsonException e)
        {
            var at = (e.Path ?? "$").TrimStart('$').TrimStart('.');
            errors.Add(new ReadError(number, path.Length == 0 ? at : path + "." + at, FirstSentence(e.InnerException?.Message ?? e.Message)));
        }
    }

    private static string? RequiredString(JsonObject obj, string name, int number, string path, List<ReadError> errors)
    {
        var value = obj[name];
        if (value is null)
        {
            errors.Add(new ReadError(number, FieldPath.Child(path, name), "required"));
            return null;
        }

        if (value.GetValueKind() != JsonValueKind.String || value.GetValue<string>().Length == 0)
        {
            errors.Add(new ReadError(number, FieldPath.Child(path, name), "must be a non-empty string"));
            return null;
        }

        return value.GetValue<string>();
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }
}
