using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;
using static Platform.Cli.Runner.YamlFields;

namespace Platform.Cli.Runner.Components;

/// <summary>
/// Validates Dapr resource files the way <c>daprd</c> would refuse them at start: <c>apiVersion</c>,
/// <c>kind</c>, <c>metadata.name</c>, and for a Component <c>spec.type</c>, <c>spec.version</c> and
/// <c>spec.metadata[]</c> (each with a <c>name</c> and a <c>value</c> or a <c>secretKeyRef</c>).
/// </summary>
internal static partial class ComponentValidator
{
    /// <summary>The API versions Dapr's resources use.</summary>
    public static readonly IReadOnlyList<string> ApiVersions = ["dapr.io/v1alpha1", "dapr.io/v2alpha1"];

    /// <summary>The kinds the runner accepts in a resources folder.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["Component", "Resiliency", "Subscription", "Configuration"];

    [GeneratedRegex("^[a-z0-9]+(\\.[a-z0-9][a-z0-9-]*)+$")]
    private static partial Regex TypePattern();

    [GeneratedRegex("^v[0-9]+((alpha|beta)[0-9]+)?$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    private static partial Regex NamePattern();

    /// <summary>Validates every <c>*.yaml</c> / <c>*.yml</c> file directly in <paramref name="dir"/> (not sub-folders, as daprd).</summary>
    /// <param name="dir">Absolute folder.</param>
    /// <param name="label">How to name files in messages: maps an absolute file path to its display name.</param>
    public static ComponentSet ValidateFolder(string dir, Func<string, string> label)
    {
        var docs = new List<ComponentDocument>();
        var problems = new List<Problem>();
        foreach (var file in Directory.EnumerateFiles(dir).Where(IsYaml).Order(StringComparer.Ordinal))
        {
            var set = ValidateText(File.ReadAllText(file), label(file));
            docs.AddRange(set.Documents);
            problems.AddRange(set.Problems);
        }
        var seen = new Dictionary<(string, string), string>();
        foreach (var d in docs)
        {
            if (seen.TryGetValue((d.Kind, d.Name), out var other))
                problems.Add(new Problem(d.File, "metadata.name", $"{d.Kind} \"{d.Name}\" is also defined in {other}"));
            else seen[(d.Kind, d.Name)] = d.File;
        }
        return new ComponentSet(docs, problems);
    }

    /// <summary>Whether a file name is one daprd loads.</summary>
    public static bool IsYaml(string path) =>
        path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    /// <summary>Validates the documents of one file.</summary>
    public static ComponentSet ValidateText(string text, string file)
    {
        var problems = new List<Problem>();
        var docs = new List<ComponentDocument>();
        var parsed = Parse(text, file, problems);
        var real = parsed.Where(d => !IsNull(d.RootNode)).ToList();
        for (var i = 0; i < real.Count; i++)
        {
            var name = real.Count > 1 ? $"{file} (document {i + 1})" : file;
            if (ValidateDocument(real[i].RootNode, name, problems) is { } doc) docs.Add(doc);
        }
        return new ComponentSet(docs, problems);
    }

    private static ComponentDocument? ValidateDocument(YamlNode root, string file, List<Problem> problems)
    {
        var before = problems.Count;
        void Fail(string path, string reason) => problems.Add(new Problem(file, path, reason));

        if (root is not YamlMappingNode map)
        {
            Fail("", $"must be a mapping with apiVersion, kind, metadata and spec, got {Describe(root)}");
            return null;
        }

        var apiVersion = Child(map, "apiVersion");
        if (apiVersion is null) Fail("apiVersion", $"is required ({string.Join(" or ", ApiVersions)})");
        else if (!ApiVersions.Contains(Text(apiVersion) ?? "")) Fail("apiVersion", $"must be {string.Join(" or ", ApiVersions)}, got {Describe(apiVersion)}");

        var kindNode = Child(map, "kind");
        var kind = Text(kindNode);
        if (kindNode is null) Fail("kind", $"is required (one of {string.Join(", ", Kinds)})");
        else if (kind is null || !Kinds.Contains(kind)) Fail("kind", $"must be one of {string.Join(", ", Kinds)}, got {Describe(kindNode)}");

        string? name = null;
        switch (Child(map, "metadata"))
        {
            case null: Fail("metadata.name", "is required"); break;
            case YamlMappingNode meta:
                var nameNode = Child(meta, "name");
                name = Text(nameNode);
                if (nameNode is null) Fail("metadata.name", "is required");
                else if (name is null || !NamePattern().IsMatch(name))
                    Fail("metadata.name", $"must be lower-case letters, digits, '-' and '.', got {Describe(nameNode)}");
                break;
            case var other: Fail("metadata", $"must be a mapping with name, got {Describe(other)}"); break;
        }

        string? type = null;
        var metadata = new List<MetadataEntry>();
        var spec = Child(map, "spec");
        if (spec is not null and not YamlMappingNode) Fail("spec", $"must be a mapping, got {Describe(spec)}");
        var specMap = spec as YamlMappingNode;
        switch (kind)
        {
            case "Component":
                if (specMap is null) { if (spec is null) Fail("spec", "is required (type, version, metadata)"); break; }
                var typeNode = Child(specMap, "type");
                type = Text(typeNode);
                if (typeNode is null) Fail("spec.type", "is required (for example pubsub.redis)");
                else if (type is null || !TypePattern().IsMatch(type)) Fail("spec.type", $"must look like category.name (for example pubsub.redis), got {Describe(typeNode)}");
                var versionNode = Child(specMap, "version");
                if (versionNode is null) Fail("spec.version", "is required (for example v1)");
                else if (!VersionPattern().IsMatch(Text(versionNode) ?? "")) Fail("spec.version", $"must look like v1, got {Describe(versionNode)}");
                ReadMetadata(specMap, metadata, Fail);
                break;
            case "Subscription":
                if (specMap is null) { if (spec is null) Fail("spec", "is required (pubsubname, topic, routes)"); break; }
                if (Text(Child(specMap, "pubsubname")) is not { Length: > 0 }) Fail("spec.pubsubname", "is required");
                if (Text(Child(specMap, "topic")) is not { Length: > 0 }) Fail("spec.topic", "is required");
                break;
            case "Resiliency":
                if (spec is null) Fail("spec", "is required (policies, targets)");
                break;
        }

        return problems.Count > before ? null : new ComponentDocument(file, kind!, name!, type, metadata);
    }

    private static void ReadMetadata(YamlMappingNode spec, List<MetadataEntry> metadata, Action<string, string> fail)
    {
        switch (Child(spec, "metadata"))
        {
            case null: return;
            case YamlSequenceNode seq:
                var names = new HashSet<string>(StringComparer.Ordinal);
                for (var i = 0; i < seq.Children.Count; i++)
                {
                    var at = $"spec.metadata[{i}]";
                    if (seq.Children[i] is not YamlMappingNode entry) { fail(at, $"must be a mapping with name and value, got {Describe(seq.Children[i])}"); continue; }
                    var name = Text(Child(entry, "name"));
                    if (name is not { Length: > 0 }) { fail($"{at}.name", "is required"); continue; }
                    if (!names.Add(name)) fail($"{at}.name", $"\"{name}\" is listed twice");
                    var hasValue = entry.Children.Keys.Any(k => Text(k) == "value");
                    var valueNode = Child(entry, "value");
                    var secret = Child(entry, "secretKeyRef");
                    if (hasValue && secret is not null) fail(at, $"\"{name}\" has both value and secretKeyRef; keep one");
                    else if (secret is not null)
                    {
                        if (secret is not YamlMappingNode sm || Text(Child(sm, "name")) is not { Length: > 0 } secretName)
                            fail($"{at}.secretKeyRef.name", "is required (the secret to read)");
                        else metadata.Add(new MetadataEntry(name, null, secretName));
                    }
                    else if (!hasValue) fail(at, $"\"{name}\" needs a value or a secretKeyRef");
                    else if (valueNode is not null and not YamlScalarNode) fail($"{at}.value", $"must be a string, got {Describe(valueNode)}");
                    else metadata.Add(new MetadataEntry(name, Text(valueNode) ?? ""));
                }
                return;
            case var other: fail("spec.metadata", $"must be a list of name/value entries, got {Describe(other)}"); return;
        }
    }
}
