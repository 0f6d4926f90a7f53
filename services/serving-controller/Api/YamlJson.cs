using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Platform.ServingController.Api;

/// <summary>
/// YAML in and out of the JSON model. Plain scalars resolve by YAML 1.2's core schema (so <c>yes</c> and
/// <c>on</c> stay strings), quoted or <c>!!str</c> scalars are strings, numbers keep their text.
/// </summary>
public static partial class YamlJson
{
    // Guards against alias bombs: a 1 MiB body never needs more nodes than this.
    private const int MaxNodes = 2_000_000;

    /// <summary>Every document of a (multi-document) YAML text; empty documents are skipped.</summary>
    /// <exception cref="FormatException">The text is not YAML (the message names line and column).</exception>
    public static IReadOnlyList<JsonNode?> ParseDocuments(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new FormatException($"yaml: line {ex.Start.Line}, column {ex.Start.Column}: {Innermost(ex).Message}", ex);
        }
        var budget = MaxNodes;
        var result = new List<JsonNode?>();
        foreach (var doc in stream.Documents)
        {
            if (doc.RootNode is YamlScalarNode { Value: null or "" } s && s.Style is ScalarStyle.Plain or ScalarStyle.Any) continue;
            result.Add(ToJson(doc.RootNode, ref budget));
        }
        return result;
    }

    /// <summary>Writes <paramref name="node"/> as one YAML document.</summary>
    public static string ToYaml(JsonNode? node)
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        var emitter = new Emitter(writer);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, isImplicit: true));
        Emit(emitter, node);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return writer.ToString();
    }

    private static Exception Innermost(Exception ex) => ex.InnerException is { } inner ? Innermost(inner) : ex;

    private static JsonNode? ToJson(YamlNode node, ref int budget)
    {
        if (--budget < 0) throw new FormatException($"yaml: more than {MaxNodes} nodes (aliases expanding too far?)");
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (k, v) in map.Children)
                {
                    if (k is not YamlScalarNode { Value: { } key })
                        throw new FormatException($"yaml: line {k.Start.Line}: mapping keys must be strings");
                    if (obj.ContainsKey(key)) throw new FormatException($"yaml: line {k.Start.Line}: duplicate key \"{key}\"");
                    obj[key] = ToJson(v, ref budget);
                }
                return obj;
            case YamlSequenceNode seq:
                var arr = new JsonArray();
                foreach (var item in seq.Children) arr.Add(ToJson(item, ref budget));
                return arr;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw new FormatException($"yaml: line {node.Start.Line}: unsupported node");
        }
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        if (tag is "tag:yaml.org,2002:str" || scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any)) return JsonValue.Create(value);
        if (tag is "tag:yaml.org,2002:int" or "tag:yaml.org,2002:float" or "tag:yaml.org,2002:bool" or "tag:yaml.org,2002:null" or null)
        {
            var resolved = Resolve(value);
            if (resolved is not null || IsNull(value)) return resolved;
        }
        return JsonValue.Create(value);
    }

    private static bool IsNull(string v) => v is "" or "~" or "null" or "Null" or "NULL";

    // YAML 1.2 core schema; null when the plain scalar is a string (or a null).
    private static JsonNode? Resolve(string v)
    {
        if (IsNull(v)) return null;
        if (v is "true" or "True" or "TRUE") return JsonValue.Create(true);
        if (v is "false" or "False" or "FALSE") return JsonValue.Create(false);
        if (IntPattern().IsMatch(v))
        {
            if (long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
            if (decimal.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var big)) return JsonValue.Create(big);
        }
        if (v.StartsWith("0x", StringComparison.Ordinal) && long.TryParse(v[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex)) return JsonValue.Create(hex);
        if (v.StartsWith("0o", StringComparison.Ordinal) && v.Length > 2 && v[2..].All(c => c is >= '0' and <= '7'))
            return JsonValue.Create(Convert.ToInt64(v[2..], 8));
        if (FloatPattern().IsMatch(v) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
            return JsonNode.Parse(v.StartsWith('+') ? v[1..] : NormaliseFloat(v));
        return JsonValue.Create(v);
    }

    // JSON wants a digit before and after the dot.
    private static string NormaliseFloat(string v)
    {
        var s = v.StartsWith('.') ? "0" + v : v.StartsWith("-.", StringComparison.Ordinal) ? "-0" + v[1..] : v;
        s = DotBeforeExponent().Replace(s, ".0$1");
        return s.EndsWith('.') ? s + "0" : s;
    }

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case null:
                emitter.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, true, false));
                break;
            case JsonObject obj:
                emitter.Emit(new MappingStart(null, null, true, obj.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var (k, v) in obj)
                {
                    EmitString(emitter, k);
                    Emit(emitter, v);
                }
                emitter.Emit(new MappingEnd());
                break;
            case JsonArray arr:
                emitter.Emit(new SequenceStart(null, null, true, arr.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in arr) Emit(emitter, item);
                emitter.Emit(new SequenceEnd());
                break;
            case JsonValue v:
                switch (v.GetValueKind())
                {
                    case JsonValueKind.String: EmitString(emitter, v.GetValue<string>()); break;
                    case JsonValueKind.True: emitter.Emit(new Scalar(null, null, "true", ScalarStyle.Plain, true, false)); break;
                    case JsonValueKind.False: emitter.Emit(new Scalar(null, null, "false", ScalarStyle.Plain, true, false)); break;
                    case JsonValueKind.Null: emitter.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, true, false)); break;
                    default: emitter.Emit(new Scalar(null, null, v.ToJsonString(), ScalarStyle.Plain, true, false)); break;
                }
                break;
        }
    }

    // Strings YAML 1.1 readers (go-yaml v2, PyYAML) would take for booleans, quoted for them.
    private static readonly HashSet<string> Yaml11Words = new(StringComparer.OrdinalIgnoreCase) { "y", "n", "yes", "no", "on", "off" };

    private static void EmitString(IEmitter emitter, string s)
    {
        // A string that would read back as null, bool or number is quoted; others take the emitter's choice.
        var style = Resolve(s) is not JsonValue rv || rv.GetValueKind() != JsonValueKind.String || s.Length == 0 || Yaml11Words.Contains(s)
            ? ScalarStyle.DoubleQuoted
            : s.Contains('\n') ? ScalarStyle.Literal : ScalarStyle.Any;
        emitter.Emit(new Scalar(null, null, s, style, true, true));
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();

    [GeneratedRegex(@"\.([eE])")]
    private static partial Regex DotBeforeExponent();
}
