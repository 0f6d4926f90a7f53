using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Platform.Cli.Runner;

/// <summary>Small readers over YamlDotNet's node model that treat <c>~</c>, <c>null</c> and empty as absent.</summary>
internal static class YamlFields
{
    /// <summary>Parses every document of <paramref name="text"/>; a syntax error becomes a <see cref="Problem"/>.</summary>
    public static IReadOnlyList<YamlDocument> Parse(string text, string file, List<Problem> problems)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            var inner = e.InnerException is YamlException ie ? ie : e;
            problems.Add(new Problem(file, "", $"not valid YAML at line {inner.Start.Line}, column {inner.Start.Column}: {FirstSentence(inner.Message)}"));
            return [];
        }
        return [.. stream.Documents];
    }

    private static string FirstSentence(string message)
    {
        var m = message;
        var idx = m.IndexOf("): ", StringComparison.Ordinal);
        if (m.StartsWith('(') && idx > 0) m = m[(idx + 3)..];
        return m.Trim();
    }

    /// <summary>True when the node is missing or a null scalar.</summary>
    public static bool IsNull(YamlNode? node) =>
        node is null || node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } s
            && (s.Value is null or "" or "~" or "null" or "Null" or "NULL");

    /// <summary>The child of <paramref name="map"/> named <paramref name="key"/>, or null.</summary>
    public static YamlNode? Child(YamlMappingNode map, string key)
    {
        foreach (var (k, v) in map.Children)
            if (k is YamlScalarNode { Value: var name } && name == key) return IsNull(v) ? null : v;
        return null;
    }

    /// <summary>The keys of a mapping as strings, in order.</summary>
    public static IEnumerable<string> Keys(YamlMappingNode map) =>
        map.Children.Keys.Select(k => k is YamlScalarNode s ? s.Value ?? "" : k.ToString());

    /// <summary>The scalar text of a node, or null when it is not a scalar.</summary>
    public static string? Text(YamlNode? node) => node is YamlScalarNode s ? s.Value ?? "" : null;

    /// <summary>How a node is written, for messages ("a list", "a mapping").</summary>
    public static string Describe(YamlNode node) => node switch
    {
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        YamlScalarNode s => $"\"{s.Value}\"",
        _ => "something else",
    };
}
