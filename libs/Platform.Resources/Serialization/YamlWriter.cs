using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Platform.Resources.Serialization;

/// <summary>Writes JSON trees as block YAML, quoting every string another reader could take for a number, bool or null.</summary>
internal static class YamlWriter
{
    public static string Write(IEnumerable<JsonNode?> documents)
    {
        var text = new StringWriter { NewLine = "\n" };
        var emitter = new Emitter(text, new EmitterSettings(2, int.MaxValue, false, 1024, false, true));
        emitter.Emit(new StreamStart());
        var first = true;
        foreach (var document in documents)
        {
            emitter.Emit(new DocumentStart(null, null, isImplicit: first));
            first = false;
            Emit(emitter, document);
            emitter.Emit(new DocumentEnd(isImplicit: true));
        }

        emitter.Emit(new StreamEnd());
        return text.ToString();
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
                foreach (var (key, value) in obj)
                {
                    EmitString(emitter, key);
                    Emit(emitter, value);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonArray array:
                emitter.Emit(new SequenceStart(null, null, true, array.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in array)
                {
                    Emit(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            default:
                switch (node.GetValueKind())
                {
                    case JsonValueKind.String:
                        EmitString(emitter, node.GetValue<string>());
                        break;
                    case JsonValueKind.True:
                        emitter.Emit(new Scalar(null, null, "true", ScalarStyle.Plain, true, false));
                        break;
                    case JsonValueKind.False:
                        emitter.Emit(new Scalar(null, null, "false", ScalarStyle.Plain, true, false));
                        break;
                    case JsonValueKind.Number:
                        emitter.Emit(new Scalar(null, null, node.ToJsonString(), ScalarStyle.Plain, true, false));
                        break;
                    default:
                        emitter.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, true, false));
                        break;
                }

                break;
        }
    }

    private static void EmitString(IEmitter emitter, string value)
    {
        ScalarStyle style;
        if (value.Contains('\n', StringComparison.Ordinal) && !value.Contains('\r', StringComparison.Ordinal) && value.TrimEnd('\n').Length == value.Length - 1 && !value.Contains("\t", StringComparison.Ordinal))
        {
            style = ScalarStyle.Literal;
        }
        else if (YamlText.NeedsQuotes(value) || value.Contains('\n', StringComparison.Ordinal))
        {
            style = ScalarStyle.DoubleQuoted;
        }
        else
        {
            style = ScalarStyle.Any;
        }

        emitter.Emit(new Scalar(null, null, value, style, true, true));
    }
}
