using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Platform.Resources.Serialization;

namespace Platform.Testing.Schemas;

/// <summary>
/// JSON-schema validation of Kubernetes manifests against published schemas (see Schemas/README.md for each file's
/// origin and licence): Kubernetes' own OpenAPI definitions for built-in kinds, and the <c>openAPIV3Schema</c> of
/// CustomResourceDefinitions (KEDA's, Dapr's, Knative's, or ours) for custom kinds, with JsonSchema.Net. Checks are
/// strict, as kubeconform's <c>-strict</c>: an object schema that lists properties and neither keeps unknown fields
/// nor says <c>additionalProperties</c> refuses a field it does not list (the API server would drop it silently).
/// <c>metadata</c> of a custom kind is checked against Kubernetes' ObjectMeta.
/// </summary>
public sealed class SchemaCatalog
{
    private const string ObjectMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
    private static int _instances;

    private readonly JsonObject _definitions;
    private readonly Dictionary<(string ApiVersion, string Kind), JsonObject> _sources = [];
    private readonly ConcurrentDictionary<(string ApiVersion, string Kind), JsonSchema> _built = new();
    private readonly int _instance = Interlocked.Increment(ref _instances);

    private SchemaCatalog(JsonObject definitions) => _definitions = definitions;

    /// <summary>The folder of the vendored schemas.</summary>
    public static string Folder { get; } = Path.Combine(Builds.Root, "tests", "Platform.Testing", "Schemas");

    /// <summary>Kubernetes' built-in kinds and the published CRDs of KEDA, Dapr and Knative.</summary>
    public static SchemaCatalog Published { get; } = LoadPublished();

    /// <summary>Kubernetes' built-in kinds plus the kinds of <paramref name="crds"/> (ours, generated from the model).</summary>
    public static SchemaCatalog WithCrds(IEnumerable<JsonObject> crds)
    {
        var catalog = new SchemaCatalog(KubernetesDefinitions());
        catalog.AddBuiltIns();
        foreach (var crd in crds) catalog.AddCrd(crd);
        return catalog;
    }

    /// <summary>Whether a schema for <paramref name="apiVersion"/> <paramref name="kind"/> is known.</summary>
    public bool Knows(string apiVersion, string kind) => _sources.ContainsKey((apiVersion, kind));

    /// <summary>Every (apiVersion, kind) with a schema.</summary>
    public IEnumerable<(string ApiVersion, string Kind)> Kinds => _sources.Keys;

    /// <summary>
    /// What is wrong with <paramref name="manifest"/>, one line per failed check (<c>/spec/replicas: ...</c>); a kind
    /// without a schema is one line saying so. Empty: valid.
    /// </summary>
    public IReadOnlyList<string> Validate(JsonObject manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var apiVersion = manifest["apiVersion"]?.GetValue<string>() ?? "";
        var kind = manifest["kind"]?.GetValue<string>() ?? "";
        if (!_sources.TryGetValue((apiVersion, kind), out var source)) return [$"no schema for {apiVersion} {kind}"];
        var schema = _built.GetOrAdd((apiVersion, kind), key => JsonSchema.FromText(source.ToJsonString(), baseUri:
            new Uri($"https://schemas.platform.test/{_instance}/{key.ApiVersion.Replace('/', '_')}/{key.Kind}")));
        var result = schema.Evaluate(JsonSerializer.SerializeToElement(manifest), new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid) return [];
        return [.. (result.Details ?? [])
            .Where(d => !d.IsValid && d.Errors is { Count: > 0 })
            // The "or null" branch Kubernetes' schemas give optional fields fails whenever a value is there: noise.
            .Where(d => !d.Errors!.Values.All(v => v.Contains("should be \"null\"", StringComparison.Ordinal)))
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value} ({e.Key} at {d.EvaluationPath})"))
            .Distinct()];
    }

    private static SchemaCatalog LoadPublished()
    {
        var catalog = new SchemaCatalog(KubernetesDefinitions());
        catalog.AddBuiltIns();
        foreach (var file in new[] { "keda", "dapr", "knative" }.SelectMany(d => Directory.GetFiles(Path.Combine(Folder, d), "*.yaml")).Order(StringComparer.Ordinal))
            foreach (var crd in YamlDocuments.Parse(File.ReadAllText(file)).OfType<JsonObject>().Where(d => d["kind"]?.GetValue<string>() == "CustomResourceDefinition"))
                catalog.AddCrd(crd);
        return catalog;
    }

    private static JsonObject KubernetesDefinitions()
    {
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "kubernetes", "definitions.json")))!.AsObject();
        var definitions = new JsonObject();
        foreach (var (name, schema) in file["definitions"]!.AsObject()) definitions[name] = Strict(schema!.DeepClone());
        return definitions;
    }

    // A built-in kind's definition names its apiVersion and kind in enums.
    private void AddBuiltIns()
    {
        foreach (var (name, definition) in _definitions)
        {
            var apiVersion = definition?["properties"]?["apiVersion"]?["enum"]?[0]?.GetValue<string>();
            var kind = definition?["properties"]?["kind"]?["enum"]?[0]?.GetValue<string>();
            if (apiVersion is null || kind is null) continue;
            _sources[(apiVersion, kind)] = new JsonObject { ["$defs"] = _definitions.DeepClone(), ["$ref"] = "#/$defs/" + name };
        }
    }

    private void AddCrd(JsonObject crd)
    {
        var spec = crd["spec"]!;
        var group = spec["group"]!.GetValue<string>();
        var kind = spec["names"]!["kind"]!.GetValue<string>();
        foreach (var version in spec["versions"]!.AsArray().OfType<JsonObject>())
        {
            if (version["schema"]?["openAPIV3Schema"] is not JsonObject openApi) continue;
            var schema = Strict(openApi.DeepClone())!.AsObject();
            if (schema["properties"] is JsonObject properties)
            {
                // The API server takes these on every kind, whether the CRD's schema lists them or not.
                properties["apiVersion"] ??= new JsonObject { ["type"] = "string" };
                properties["kind"] ??= new JsonObject { ["type"] = "string" };
                properties["metadata"] = new JsonObject { ["$ref"] = "#/$defs/" + ObjectMeta };
            }

            schema["$defs"] = _definitions.DeepClone();
            _sources[($"{group}/{version["name"]!.GetValue<string>()}", kind)] = schema;
        }
    }

    // OpenAPI (Kubernetes' dialect) to JSON Schema: "X#" references into $defs, nullable, int-or-string, strict
    // objects, and the extension keywords (x-kubernetes-*) dropped once read, since the dialect refuses unknown keywords.
    private static JsonNode? Strict(JsonNode? node)
    {
        if (node is not JsonObject obj) return node;
        if (obj["$ref"] is JsonValue reference && reference.GetValue<string>() is { } target && !target.StartsWith('#'))
            obj["$ref"] = "#/$defs/" + target.TrimEnd('#');
        if (obj["x-kubernetes-int-or-string"] is JsonValue intOrString && intOrString.GetValue<bool>())
        {
            obj.Remove("type");
            if (obj["anyOf"] is null && obj["oneOf"] is null)
                obj["anyOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" });
        }

        if (obj["nullable"] is JsonValue nullable && nullable.GetValue<bool>() && obj["type"] is JsonValue type)
            obj["type"] = new JsonArray(type.GetValue<string>(), "null");
        var keepsUnknown = obj["x-kubernetes-preserve-unknown-fields"] is JsonValue keep && keep.GetValue<bool>();
        if (obj["properties"] is JsonObject && obj["additionalProperties"] is null && !keepsUnknown)
            obj["additionalProperties"] = false;
        foreach (var key in obj.Select(p => p.Key).Where(k => k.StartsWith("x-", StringComparison.Ordinal) || k is "nullable" or "example" or "externalDocs").ToList())
            obj.Remove(key);

        foreach (var key in new[] { "properties", "patternProperties", "$defs", "definitions" })
            if (obj[key] is JsonObject named)
                foreach (var name in named.Select(p => p.Key).ToList())
                    named[name] = Strict(named[name]?.DeepClone());
        foreach (var key in new[] { "items", "additionalProperties", "not" })
            if (obj[key] is JsonObject child)
                obj[key] = Strict(child.DeepClone());
        foreach (var key in new[] { "allOf", "anyOf", "oneOf" })
            if (obj[key] is JsonArray list)
                for (var i = 0; i < list.Count; i++)
                    list[i] = Strict(list[i]?.DeepClone());
        return obj;
    }
}
