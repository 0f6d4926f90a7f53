using System.Text.Json.Nodes;
using Platform.Resources.Serialization;
using Platform.Testing;

namespace Platform.Deploy.Tests.Components;

/// <summary>
/// What Dapr accepts in a Component's <c>spec.metadata</c>, from Dapr's own machine-readable component metadata
/// (components-contrib's <c>metadata.yaml</c> per component, vendored in Components/metadata with its README): the
/// component type and version, the keys it knows (its own, its authentication profiles', the built-in AWS profiles',
/// and the runtime's: <c>consumerID</c> for pub/sub, <c>actorStateStore</c>/<c>keyPrefix</c> for state), the keys it
/// requires, and the rules its code enforces across keys (snssqs: a dead-letter queue needs <c>messageReceiveLimit</c>).
/// </summary>
internal sealed class ComponentMetadata
{
    private static readonly string Folder = Path.Combine(Builds.Root, "tests", "Platform.Deploy.Tests", "Components", "metadata");
    private static readonly Lazy<IReadOnlyDictionary<string, ComponentMetadata>> All = new(Load);

    private ComponentMetadata(string type, string version, IReadOnlySet<string> known, IReadOnlyList<string> required, IReadOnlyList<IReadOnlyList<string>> profiles)
    {
        Type = type;
        Version = version;
        Known = known;
        Required = required;
        Profiles = profiles;
    }

    /// <summary>Component type, e.g. <c>pubsub.aws.snssqs</c>.</summary>
    public string Type { get; }

    /// <summary>Component version, e.g. <c>v1</c>.</summary>
    public string Version { get; }

    /// <summary>Every key the component reads.</summary>
    public IReadOnlySet<string> Known { get; }

    /// <summary>Keys required whatever the authentication.</summary>
    public IReadOnlyList<string> Required { get; }

    /// <summary>The required keys of each authentication profile (one of them must be met); empty when none.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Profiles { get; }

    /// <summary>The types with metadata.</summary>
    public static IEnumerable<string> Types => All.Value.Keys;

    /// <summary>What is wrong with a Component manifest, one line each; empty: Dapr accepts it.</summary>
    public static IReadOnlyList<string> Check(JsonObject component)
    {
        var name = component["metadata"]?["name"]?.GetValue<string>() ?? "(unnamed)";
        var type = component["spec"]?["type"]?.GetValue<string>() ?? "";
        var version = component["spec"]?["version"]?.GetValue<string>() ?? "";
        if (!All.Value.TryGetValue(type, out var meta)) return [$"{name}: spec.type {type}: no Dapr component metadata for it"];
        var errors = new List<string>();
        if (version != meta.Version) errors.Add($"{name}: spec.version {version}: {type} is {meta.Version}");
        var keys = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var items = component["spec"]?["metadata"]?.AsArray() ?? [];
        for (var i = 0; i < items.Count; i++)
        {
            var key = items[i]?["name"]?.GetValue<string>() ?? "";
            if (!meta.Known.Contains(key)) errors.Add($"{name}: spec.metadata[{i}].name {key}: not a key of {type}");
            keys[key] = items[i]?["value"] is JsonValue v ? v.ToString() : items[i]?["secretKeyRef"] is not null ? "(secret)" : null;
        }

        foreach (var key in meta.Required.Where(k => !keys.ContainsKey(k))) errors.Add($"{name}: spec.metadata: {type} requires {key}");
        if (meta.Profiles.Count > 0 && !meta.Profiles.Any(p => p.All(keys.ContainsKey)))
            errors.Add($"{name}: spec.metadata: no authentication profile of {type} is complete (each needs one of: {string.Join(" | ", meta.Profiles.Select(p => string.Join(", ", p)))})");
        if (type == "pubsub.aws.snssqs" && keys.ContainsKey("sqsDeadLettersQueueName") != keys.ContainsKey("messageReceiveLimit"))
            errors.Add($"{name}: spec.metadata: to use an SQS dead-letter queue, messageReceiveLimit and sqsDeadLettersQueueName must both be set");
        return errors;
    }

    private static IReadOnlyDictionary<string, ComponentMetadata> Load()
    {
        var builtin = YamlDocuments.Parse(File.ReadAllText(Path.Combine(Folder, "builtin-authentication-profiles.yaml"))).OfType<JsonObject>().Single();
        var result = new Dictionary<string, ComponentMetadata>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Folder, "*.yaml").Where(f => !f.EndsWith("builtin-authentication-profiles.yaml", StringComparison.Ordinal)))
        {
            var doc = YamlDocuments.Parse(File.ReadAllText(file)).OfType<JsonObject>().Single();
            var type = $"{doc["type"]!.GetValue<string>()}.{doc["name"]!.GetValue<string>()}";
            var known = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var required = new List<string>();
            foreach (var m in doc["metadata"]?.AsArray() ?? [])
            {
                known.Add(m!["name"]!.GetValue<string>());
                if (m["required"] is JsonValue r && r.GetValue<bool>()) required.Add(m["name"]!.GetValue<string>());
            }

            var profiles = new List<IReadOnlyList<string>>();
            foreach (var profile in doc["authenticationProfiles"]?.AsArray() ?? [])
                profiles.Add(Keys(profile!["metadata"]?.AsArray(), known));
            foreach (var reference in doc["builtinAuthenticationProfiles"]?.AsArray() ?? [])
            {
                var extra = Keys(reference!["metadata"]?.AsArray(), known);
                foreach (var profile in builtin[reference["name"]!.GetValue<string>()]?.AsArray() ?? [])
                    profiles.Add([.. Keys(profile!["metadata"]?.AsArray(), known), .. extra]);
            }

            // Keys the Dapr runtime itself reads on every component of a kind.
            if (type.StartsWith("pubsub.", StringComparison.Ordinal)) known.Add("consumerID");
            if (type.StartsWith("state.", StringComparison.Ordinal)) known.UnionWith(["actorStateStore", "keyPrefix"]);
            result[type] = new ComponentMetadata(type, doc["version"]!.GetValue<string>(), known, required, profiles);
        }

        return result;
    }

    // The keys of a profile's metadata: all become known; the required ones are returned.
    private static List<string> Keys(JsonArray? metadata, HashSet<string> known)
    {
        var required = new List<string>();
        foreach (var m in metadata ?? [])
        {
            known.Add(m!["name"]!.GetValue<string>());
            if (m["required"] is JsonValue r && r.GetValue<bool>()) required.Add(m["name"]!.GetValue<string>());
        }

        return required;
    }
}
