using System.Text.Json.Nodes;

namespace Platform.Resources.Serialization;

/// <summary>
/// Platform's one YAML codec, between YAML text and JSON trees: reading resolves plain scalars by YAML 1.2's core
/// schema (so <c>yes</c> and <c>on</c> stay strings), refuses hostile nesting and alias bombs with a position, and
/// reports every syntax error as a <see cref="YamlSyntaxException"/> with line and column; writing emits block YAML
/// in the tree's key order, quoting every string another reader could take for a number, bool or null.
/// </summary>
public static class YamlDocuments
{
    /// <summary>Every non-empty document of a (multi-document) YAML or JSON text.</summary>
    /// <exception cref="YamlSyntaxException">The text is not YAML, or nests or expands too far.</exception>
    public static IReadOnlyList<JsonNode?> Parse(string text) =>
        [.. YamlText.Parse(text).Where(d => d.Root is not null).Select(d => d.Root)];

    /// <summary>Writes <paramref name="node"/> as one YAML document.</summary>
    public static string Write(JsonNode? node) => YamlWriter.Write([node]);

    /// <summary>Writes several documents, separated by <c>---</c>.</summary>
    public static string Write(IEnumerable<JsonNode?> documents) => YamlWriter.Write(documents);
}

/// <summary>A text is not YAML: where and why.</summary>
/// <param name="line">1-based line.</param>
/// <param name="column">1-based column.</param>
/// <param name="reason">What is wrong, without the position.</param>
/// <param name="inner">The parser's exception.</param>
public sealed class YamlSyntaxException(int line, int column, string reason, Exception? inner = null)
    : FormatException($"yaml: line {line}, column {column}: {reason}", inner)
{
    /// <summary>1-based line.</summary>
    public int Line { get; } = line;

    /// <summary>1-based column.</summary>
    public int Column { get; } = column;

    /// <summary>What is wrong, without the position.</summary>
    public string Reason { get; } = reason;
}
