using YamlDotNet.RepresentationModel;
using static Platform.Cli.Runner.YamlFields;

namespace Platform.Cli.Runner.Components;

/// <summary>
/// Rewrites component files for a machine without Redis: <c>pubsub.redis</c> → <c>pubsub.in-memory</c> and
/// <c>state.redis</c> → <c>state.in-memory</c> for components on the local default Redis. In-memory components
/// take no connection settings, so their metadata keeps only <c>actorStateStore</c>.
/// </summary>
internal static class InMemoryFallback
{
    private static readonly Dictionary<string, string> Replacements = new(StringComparer.Ordinal)
    {
        ["pubsub.redis"] = "pubsub.in-memory",
        ["state.redis"] = "state.in-memory",
    };

    private static readonly HashSet<string> KeptMetadata = ["actorStateStore"];

    /// <summary>The rewritten file text, or null when nothing in it needs rewriting (copy it as is).</summary>
    public static string? Rewrite(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var changed = false;
        foreach (var doc in stream.Documents)
        {
            if (doc.RootNode is not YamlMappingNode root || Text(Child(root, "kind")) != "Component") continue;
            if (Child(root, "spec") is not YamlMappingNode spec) continue;
            if (Text(Child(spec, "type")) is not { } type || !Replacements.TryGetValue(type, out var replacement)) continue;
            var metadata = Child(spec, "metadata") as YamlSequenceNode;
            var host = metadata?.Children.OfType<YamlMappingNode>()
                .FirstOrDefault(m => Text(Child(m, "name")) == "redisHost") is { } h ? Text(Child(h, "value")) : null;
            if (!LocalRedis.IsLocalAddress(host)) continue;

            spec.Children[new YamlScalarNode("type")] = new YamlScalarNode(replacement);
            if (metadata is not null)
            {
                var kept = metadata.Children.OfType<YamlMappingNode>()
                    .Where(m => KeptMetadata.Contains(Text(Child(m, "name")) ?? "")).Cast<YamlNode>().ToList();
                spec.Children[new YamlScalarNode("metadata")] = new YamlSequenceNode(kept);
            }
            changed = true;
        }
        if (!changed) return null;

        var writer = new StringWriter();
        writer.WriteLine("# Written by `platform up`: Redis was not reachable, so this is the in-memory variant of the original.");
        for (var i = 0; i < stream.Documents.Count; i++)
        {
            if (i > 0) writer.WriteLine("---");
            new YamlStream(stream.Documents[i]).Save(writer, assignAnchors: false);
        }
        return writer.ToString().Replace("\n...\n", "\n", StringComparison.Ordinal);
    }

    /// <summary>
    /// Copies the files of <paramref name="sourceDir"/> into <paramref name="targetDir"/> (emptied first),
    /// rewriting those that need it. Returns whether any file was rewritten.
    /// </summary>
    public static bool RewriteFolder(string sourceDir, string targetDir)
    {
        if (Directory.Exists(targetDir)) Directory.Delete(targetDir, recursive: true);
        Directory.CreateDirectory(targetDir);
        var any = false;
        foreach (var file in Directory.EnumerateFiles(sourceDir).Where(ComponentValidator.IsYaml))
        {
            var text = File.ReadAllText(file);
            var rewritten = Rewrite(text);
            any |= rewritten is not null;
            File.WriteAllText(Path.Combine(targetDir, Path.GetFileName(file)), rewritten ?? text);
        }
        return any;
    }
}
