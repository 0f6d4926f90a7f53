using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Platform.Resources.Serialization;

/// <summary>A parsed document as a JSON tree, plus where each mapping key was written (for error positions).</summary>
internal sealed class ParsedDocument(JsonNode? root, Dictionary<JsonObject, Dictionary<string, Mark>> keyMarks)
{
    public JsonNode? Root { get; } = root;

    /// <summary>Position of <paramref name="key"/> inside <paramref name="owner"/>, if known.</summary>
    public (int Line, int Column)? PositionOf(JsonObject owner, string key) =>
        keyMarks.TryGetValue(owner, out var marks) && marks.TryGetValue(key, out var mark) ? ((int)mark.Line, (int)mark.Column) : null;
}

/// <summary>
/// Turns YAML (or JSON, its subset) into JSON trees with the YAML 1.2 core schema: plain <c>true</c>/<c>false</c>,
/// <c>null</c>/<c>~</c>/empty, integers and floats are typed, everything quoted is a string. One pass over
/// YamlDotNet's event stream with an explicit stack, so that hostile nesting or alias expansion is refused with a
/// position instead of exhausting the stack or memory.
/// </summary>
internal static partial class YamlText
{
    /// <summary>Deepest nesting accepted (as System.Text.Json's default).</summary>
    public const int MaxDepth = 64;

    /// <summary>Most nodes one document may expand to (aliases included).</summary>
    public const int MaxNodes = 1_000_000;

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();

    [GeneratedRegex(@"^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|\.inf|\.Inf|\.INF|-\.inf|\.nan|\.NaN|\.NAN|0x[0-9a-fA-F]+|0o[0-7]+)$")]
    private static partial Regex AmbiguousForOldReaders();

    private sealed class Frame(JsonNode container, string? anchor, Mark start)
    {
        public JsonNode Container { get; } = container;
        public string? Anchor { get; } = anchor;
        public Mark Start { get; } = start;
        public string? PendingKey { get; set; }
        public Dictionary<string, Mark>? KeyMarks { get; set; }
        public int Nodes { get; set; } = 1;
    }

    /// <summary>Parses every document; throws <see cref="YamlSyntaxException"/> with a position on bad input.</summary>
    public static List<ParsedDocument> Parse(string text)
    {
        var parser = new Parser(new StringReader(text));
        try
        {
            return ParseAll(parser);
        }
        catch (YamlException e)
        {
            var innermost = e;
            while (innermost.InnerException is YamlException inner) innermost = inner;
            throw new YamlSyntaxException((int)e.Start.Line, (int)e.Start.Column, StripMark(innermost.Message), e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's scanner reports some malformed input this way: an unclosed flow sequence at the end
            // (InvalidOperationException), a %TAG directive whose prefix is not a URI (ArgumentException; found by fuzzing).
            var at = parser.Current?.Start ?? Mark.Empty;
            throw new YamlSyntaxException((int)at.Line, (int)at.Column, e.Message, e);
        }
    }

    private static string StripMark(string message)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; the position is reported separately.
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 && message.StartsWith("(Line", StringComparison.Ordinal) ? message[(cut + 3)..] : message;
    }

    private static List<ParsedDocument> ParseAll(Parser parser)
    {
        var documents = new List<ParsedDocument>();
        parser.Consume<StreamStart>();
        while (parser.TryConsume<DocumentStart>(out _))
        {
            documents.Add(ReadDocument(parser));
            parser.Consume<DocumentEnd>();
        }

        parser.Consume<StreamEnd>();
        return documents;
    }

    private static ParsedDocument ReadDocument(IParser parser)
    {
        var marks = new Dictionary<JsonObject, Dictionary<string, Mark>>(ReferenceEqualityComparer.Instance);
        var anchors = new Dictionary<string, (JsonNode? Node, int Size)>(StringComparer.Ordinal);
        var stack = new Stack<Frame>();
        JsonNode? root = null;
        var done = false;
        var used = 0;

        void Attach(JsonNode? value, int size, ParsingEvent at)
        {
            used += size;
            if (used > MaxNodes)
            {
                throw new YamlException(at.Start, at.End, $"document has more than {MaxNodes} nodes (aliases expanded)");
            }

            if (stack.Count == 0)
            {
                root = value;
                done = true;
                return;
            }

            var parent = stack.Peek();
            parent.Nodes += size;
            if (parent.Container is JsonArray array)
            {
                array.Add(value);
            }
            else
            {
                ((JsonObject)parent.Container)[parent.PendingKey!] = value;
                parent.PendingKey = null;
            }
        }

        // A scalar in key position of a mapping names the next value.
        bool TakeKey(string key, ParsingEvent at)
        {
            if (stack.Count == 0 || stack.Peek() is not { Container: JsonObject, PendingKey: null } frame)
            {
                return false;
            }

            frame.KeyMarks ??= new Dictionary<string, Mark>(StringComparer.Ordinal);
            if (!frame.KeyMarks.TryAdd(key, at.Start))
            {
                throw new YamlException(at.Start, at.End, $"duplicate key \"{key}\"");
            }

            frame.PendingKey = key;
            return true;
        }

        void RefuseComplexKey(ParsingEvent at)
        {
            if (stack.Count > 0 && stack.Peek() is { Container: JsonObject, PendingKey: null })
            {
                throw new YamlException(at.Start, at.End, "mapping keys must be scalars");
            }
        }

        while (!done)
        {
            var current = parser.Current ?? throw new YamlException("unexpected end of document");
            parser.MoveNext();
            switch (current)
            {
                case Scalar scalar:
                    if (TakeKey(scalar.Value, scalar))
                    {
                        break;
                    }

                    var quoted = scalar.Style is not ScalarStyle.Plain || (!scalar.Tag.IsEmpty && scalar.Tag.Value == "tag:yaml.org,2002:str");
                    var value = quoted ? JsonValue.Create(scalar.Value) : Resolve(scalar.Value);
                    if (!scalar.Anchor.IsEmpty)
                    {
                        anchors[scalar.Anchor.Value] = (value, 1);
                    }

                    Attach(value, 1, scalar);
                    break;
                case AnchorAlias alias:
                    if (!anchors.TryGetValue(alias.Value.Value, out var anchored))
                    {
                        throw new YamlException(alias.Start, alias.End, $"unknown alias \"{alias.Value.Value}\"");
                    }

                    if (anchored.Node is JsonValue aliasKey && aliasKey.GetValueKind() == System.Text.Json.JsonValueKind.String && TakeKey(aliasKey.GetValue<string>(), alias))
                    {
                        break;
                    }

                    RefuseComplexKey(alias);
                    Attach(anchored.Node?.DeepClone(), anchored.Size, alias);
                    break;
                case MappingStart mapping:
                    RefuseComplexKey(mapping);
                    Push(new Frame(new JsonObject(), mapping.Anchor.IsEmpty ? null : mapping.Anchor.Value, mapping.Start), mapping);
                    break;
                case SequenceStart sequence:
                    RefuseComplexKey(sequence);
                    Push(new Frame(new JsonArray(), sequence.Anchor.IsEmpty ? null : sequence.Anchor.Value, sequence.Start), sequence);
                    break;
                case MappingEnd or SequenceEnd:
                    var frame = stack.Pop();
                    if (frame.Container is JsonObject obj && frame.KeyMarks is not null)
                    {
                        marks[obj] = frame.KeyMarks;
                    }

                    if (frame.Anchor is not null)
                    {
                        anchors[frame.Anchor] = (frame.Container, frame.Nodes);
                    }

                    // Its nodes were counted as they were attached to it.
                    used -= frame.Nodes - 1;
                    Attach(frame.Container, frame.Nodes, current);
                    break;
                default:
                    throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
            }
        }

        return new ParsedDocument(root, marks);

        void Push(Frame frame, ParsingEvent at)
        {
            if (stack.Count >= MaxDepth)
            {
                throw new YamlException(at.Start, at.End, $"nesting deeper than {MaxDepth} levels");
            }

            stack.Push(frame);
        }
    }

    /// <summary>What a plain scalar means under the core schema.</summary>
    public static JsonNode? Resolve(string value)
    {
        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        var first = value[0];
        if (!(char.IsAsciiDigit(first) || first is '-' or '+' or '.'))
        {
            return JsonValue.Create(value);
        }

        // YAML 1.2 core schema: 0x hexadecimal and 0o octal integers (kubectl's YAML 1.1 reads 0x the same way).
        if (value.Length > 2 && value[0] == '0' && value[1] is 'x' or 'o')
        {
            var digits = value.AsSpan(2);
            var hex = value[1] == 'x';
            if (hex ? long.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var h) && digits.ToString().All(char.IsAsciiHexDigit)
                    : digits.ToString().All(c => c is >= '0' and <= '7') && TryOctal(digits, out h))
                return JsonValue.Create(h);
            return JsonValue.Create(value);
        }

        if (Integer().IsMatch(value))
        {
            if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                return JsonValue.Create(number);
            }

            return JsonValue.Create(decimal.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture));
        }

        if (Float().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
        {
            return JsonValue.Create(real);
        }

        return JsonValue.Create(value);
    }

    private static bool TryOctal(ReadOnlySpan<char> digits, out long value)
    {
        value = 0;
        foreach (var c in digits)
        {
            if (value > (long.MaxValue >> 3)) return false;
            value = (value << 3) + (c - '0');
        }
        return digits.Length > 0;
    }

    /// <summary>
    /// True when a string must be quoted so that no YAML reader (1.2, or 1.1 like kubectl's) takes it for
    /// something else.
    /// </summary>
    public static bool NeedsQuotes(string value) =>
        value.Length == 0 || Resolve(value) is not JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.String ||
        AmbiguousForOldReaders().IsMatch(value) || char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]);
}
