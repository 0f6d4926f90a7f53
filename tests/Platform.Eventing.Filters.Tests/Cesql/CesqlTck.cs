using System.Text.RegularExpressions;
using CloudNative.CloudEvents;
using Platform.Eventing.Filters.Cesql;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Platform.Eventing.Filters.Tests.Cesql;

/// <summary>One case of the CloudEvents SQL TCK, as read from its YAML file.</summary>
public sealed record TckCase(
    string File,
    int Index,
    string Name,
    string Expression,
    CesqlValue? Result,
    CesqlErrorKind? Error,
    IReadOnlyList<KeyValuePair<string, object>>? Event,
    IReadOnlyList<KeyValuePair<string, object>>? EventOverrides)
{
    /// <summary>Builds the input event: <c>event</c> if given, else a minimal valid event, then the overrides.</summary>
    public CloudEvent BuildEvent()
    {
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0);
        if (Event is null)
        {
            cloudEvent.Id = "tck-id";
            cloudEvent.Source = new Uri("/tck/source", UriKind.RelativeOrAbsolute);
            cloudEvent.Type = "tck.type";
        }
        foreach (var (name, value) in (Event ?? []).Concat(EventOverrides ?? [])) Set(cloudEvent, name, value);
        return cloudEvent;
    }

    private static void Set(CloudEvent cloudEvent, string name, object value)
    {
        if (name == "specversion")
        {
            Assert.Equal("1.0", value.ToString());
            return;
        }
        switch (value)
        {
            case int integer:
                cloudEvent[CloudEventAttribute.CreateExtension(name, CloudEventAttributeType.Integer)] = integer;
                break;
            case bool boolean:
                cloudEvent[CloudEventAttribute.CreateExtension(name, CloudEventAttributeType.Boolean)] = boolean;
                break;
            default:
                // Parses by the attribute's type: source is a URI reference, time a timestamp, unknown names string extensions.
                cloudEvent.SetAttributeFromString(name, (string)value);
                break;
        }
    }

    public override string ToString() => $"{File} #{Index} {Name}";
}

/// <summary>
/// Reads the official CloudEvents SQL TCK from <c>$CESQL_TCK_DIR</c>, else from <c>shared/conformance/cesql-tck</c>
/// found by walking up from the test assembly (the repository's <c>../shared</c> in CI). A bare clone has no
/// <c>../shared</c>: then <see cref="Missing"/> says why, the TCK cases are reported skipped with that reason, and
/// under <c>CI=true</c> they fail instead (CI must run the conformance suite in full). Our own CESQL table tests cover
/// the language either way.
/// </summary>
public static class CesqlTck
{
    /// <summary>The variable naming the TCK folder explicitly.</summary>
    public const string Variable = "CESQL_TCK_DIR";

    private static readonly Lazy<(string? Directory, string? Missing)> LazyLocation = new(Locate);
    private static readonly Lazy<IReadOnlyList<TckCase>> LazyCases = new(Load);

    /// <summary>The TCK folder, or null when it was not found.</summary>
    public static string? Directory => LazyLocation.Value.Directory;

    /// <summary>Why the TCK is not here (where it was looked for), or null when it is.</summary>
    public static string? Missing => LazyLocation.Value.Missing;

    /// <summary>Every case; empty when the TCK is missing.</summary>
    public static IReadOnlyList<TckCase> Cases => LazyCases.Value;

    public static IEnumerable<string> Files => Directory is null ? [] :
        System.IO.Directory.EnumerateFiles(Directory).Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal)).Order(StringComparer.Ordinal);

    /// <summary>Skips the calling test when the TCK is missing; under <c>CI=true</c> fails it instead.</summary>
    public static void RequirePresent()
    {
        if (Missing is null) return;
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Assert.Fail(Missing + " (CI=true: the conformance suite may not be skipped)");
        Skip.If(true, Missing);
    }

    private static (string?, string?) Locate()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given)
            return System.IO.Directory.Exists(given) ? (Path.GetFullPath(given), null) : (null, $"the CloudEvents SQL TCK is not at {Variable}={given}");
        var tried = new List<string>();
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "shared", "conformance", "cesql-tck"), Path.Combine(dir.FullName, "..", "shared", "conformance", "cesql-tck") })
            {
                var full = Path.GetFullPath(candidate);
                tried.Add(full);
                if (System.IO.Directory.Exists(full)) return (full, null);
            }
        }
        return (null, "the CloudEvents SQL TCK (shared/conformance/cesql-tck beside the repository, or $" + Variable +
            ") is not on this machine; looked in " + string.Join(", ", tried.Distinct().Take(3)) + ", ...");
    }

    private static IReadOnlyList<TckCase> Load()
    {
        var cases = new List<TckCase>();
        foreach (var path in Files)
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(path)) stream.Load(reader);
            var root = (YamlMappingNode)stream.Documents[0].RootNode;
            var file = Path.GetFileName(path);
            var tests = (YamlSequenceNode)root.Children[new YamlScalarNode("tests")];
            var index = 0;
            foreach (var test in tests.Children.Cast<YamlMappingNode>())
            {
                cases.Add(ReadCase(file, index++, test));
            }
        }
        return cases;
    }

    private static TckCase ReadCase(string file, int index, YamlMappingNode test)
    {
        string? Text(string key) => test.Children.TryGetValue(new YamlScalarNode(key), out var node) ? ((YamlScalarNode)node).Value : null;
        YamlNode? Node(string key) => test.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

        var result = Node("result") is YamlScalarNode scalar ? ToValue(scalar) : (CesqlValue?)null;
        var error = Text("error") is { } kind ? ParseErrorKind(kind) : (CesqlErrorKind?)null;
        return new TckCase(
            file, index, Text("name") ?? $"case {index}", Text("expression") ?? throw new InvalidDataException($"{file} #{index} has no expression"),
            result, error, ReadEvent(Node("event")), ReadEvent(Node("eventOverrides")));
    }

    private static IReadOnlyList<KeyValuePair<string, object>>? ReadEvent(YamlNode? node) =>
        node is YamlMappingNode mapping
            ? mapping.Children.Select(p => new KeyValuePair<string, object>(((YamlScalarNode)p.Key).Value!, Typed((YamlScalarNode)p.Value))).ToArray()
            : null;

    private static CesqlValue ToValue(YamlScalarNode scalar) => Typed(scalar) switch
    {
        int integer => CesqlValue.Integer(integer),
        bool boolean => CesqlValue.Boolean(boolean),
        var text => CesqlValue.String((string)text),
    };

    /// <summary>YAML core-schema typing: plain scalars may be integers or booleans; quoted ones are strings.</summary>
    private static object Typed(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain) return text;
        if (Regex.IsMatch(text, "^[-+]?[0-9]+$")) return int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        if (text is "true" or "True" or "TRUE") return true;
        if (text is "false" or "False" or "FALSE") return false;
        return text;
    }

    private static CesqlErrorKind ParseErrorKind(string kind) => kind switch
    {
        "parse" => CesqlErrorKind.Parse,
        "math" => CesqlErrorKind.Math,
        "cast" => CesqlErrorKind.Cast,
        "missingAttribute" => CesqlErrorKind.MissingAttribute,
        "missingFunction" => CesqlErrorKind.MissingFunction,
        "functionEvaluation" => CesqlErrorKind.FunctionEvaluation,
        "generic" => CesqlErrorKind.Generic,
        _ => throw new InvalidDataException($"unknown TCK error type '{kind}'"),
    };
}
