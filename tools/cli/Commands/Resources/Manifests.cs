using System.Text.Json.Nodes;
using Platform.Resources;
using Platform.Resources.Meta;
using Platform.Resources.Serialization;

namespace Platform.Cli.Commands.Resources;

/// <summary>One manifest text and where it came from (a file path, or <c>stdin</c>).</summary>
/// <param name="Source">Label used in messages.</param>
/// <param name="Text">YAML or JSON, possibly several documents.</param>
internal sealed record ManifestText(string Source, string Text);

/// <summary>A resource read from a manifest, as written (not defaulted), with its origin.</summary>
/// <param name="Source">File it came from.</param>
/// <param name="Resource">The typed resource.</param>
internal sealed record ManifestResource(string Source, Resource Resource)
{
    /// <summary>The document as JSON, to send to the server as the user wrote it.</summary>
    public JsonObject ToNode() => ResourceSerializer.Default.ToNode(Resource);
}

/// <summary>
/// Reads <c>-f</c> arguments (files, folders of *.yaml/*.yml/*.json, <c>-</c> for stdin) and checks every document
/// with the model before anything is sent: syntax, schema, defaulting and validation, every error with its source
/// and document.
/// </summary>
internal static class Manifests
{
    /// <summary>The texts named by <paramref name="paths"/>; a missing path is a usage error.</summary>
    public static IReadOnlyList<ManifestText> Load(IEnumerable<string> paths, TextReader stdin)
    {
        try
        {
            return LoadAll(paths, stdin);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"-f: {e.Message}");
        }
    }

    private static List<ManifestText> LoadAll(IEnumerable<string> paths, TextReader stdin)
    {
        var texts = new List<ManifestText>();
        foreach (var path in paths)
        {
            if (path == "-")
            {
                texts.Add(new ManifestText("stdin", stdin.ReadToEnd()));
            }
            else if (Directory.Exists(path))
            {
                var files = Directory.EnumerateFiles(path)
                    .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal).ToList();
                if (files.Count == 0) throw new UsageException($"-f: folder \"{path}\" holds no .yaml, .yml or .json file");
                texts.AddRange(files.Select(f => new ManifestText(f, File.ReadAllText(f))));
            }
            else if (File.Exists(path))
            {
                texts.Add(new ManifestText(path, File.ReadAllText(path)));
            }
            else
            {
                throw new UsageException($"-f: \"{path}\" does not exist");
            }
        }
        return texts;
    }

    /// <summary>
    /// Every resource of <paramref name="texts"/> and every problem (<c>file: document 2: spec.x: why</c>,
    /// <c>file: Service hello: spec.traffic: percents sum to 90, want 100</c>). Pure.
    /// </summary>
    public static (IReadOnlyList<ManifestResource> Resources, IReadOnlyList<string> Problems) Check(IReadOnlyList<ManifestText> texts, string defaultNamespace)
    {
        var resources = new List<ManifestResource>();
        var problems = new List<string>();
        foreach (var text in texts)
        {
            var read = ResourceSerializer.Default.Read(text.Text);
            problems.AddRange(read.Errors.Select(e => $"{text.Source}: {e.ToStringWithDocument()}"));
            foreach (var resource in read.Resources)
            {
                var copy = ResourceSerializer.Default.Clone(resource);
                copy.Metadata.Namespace ??= defaultNamespace;
                var admitted = ResourceAdmission.Knative.Create(copy);
                var label = $"{resource.Kind} {resource.Metadata.Name ?? resource.Metadata.GenerateName + "*"}";
                problems.AddRange(admitted.Errors.Select(e => $"{text.Source}: {label}: {e}"));
                resources.Add(new ManifestResource(text.Source, resource));
            }
            if (read.Resources.Count == 0 && read.Errors.Count == 0) problems.Add($"{text.Source}: holds no resource");
        }
        return (resources, problems);
    }
}
