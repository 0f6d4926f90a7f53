using System.Text.Json;
using System.Text.Json.Nodes;
using CloudNative.CloudEvents;

namespace Platform.Sources.Sdk;

/// <summary>
/// CloudEvent extensions a source adds to every event it sends (a source's <c>spec.ceOverrides</c>), and their wire
/// form in <c>K_CE_OVERRIDES</c>: Knative's JSON, <c>{"extensions":{"name":"value"}}</c>. The one reader and writer of
/// that variable (the SinkBinding writes it, sources read it).
/// </summary>
public sealed class CeOverrides
{
    private static readonly CloudEventAttribute[] Reserved =
        [.. CloudEventsSpecVersion.V1_0.AllAttributes];

    /// <summary>No overrides.</summary>
    public static CeOverrides None { get; } = new(new Dictionary<string, string>());

    /// <summary>Overrides with these extensions.</summary>
    public CeOverrides(IReadOnlyDictionary<string, string> extensions) =>
        Extensions = new SortedDictionary<string, string>(extensions.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>Extension name → value, sorted by name.</summary>
    public IReadOnlyDictionary<string, string> Extensions { get; }

    /// <summary>The <c>K_CE_OVERRIDES</c> value: <c>{"extensions":{...}}</c>, or empty when there are none (as Knative writes it).</summary>
    public string ToJson()
    {
        if (Extensions.Count == 0) return "";
        var extensions = new JsonObject();
        foreach (var (name, value) in Extensions) extensions[name] = value;
        return new JsonObject { ["extensions"] = extensions }.ToJsonString();
    }

    /// <summary>Parses a <c>K_CE_OVERRIDES</c> value; empty or null means none.</summary>
    public static bool TryParse(string? json, out CeOverrides overrides, out string? error)
    {
        overrides = None;
        error = null;
        if (string.IsNullOrWhiteSpace(json)) return true;
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            error = $"is not JSON: {e.Message}";
            return false;
        }
        if (node is not JsonObject root)
        {
            error = "must be a JSON object like {\"extensions\":{\"name\":\"value\"}}";
            return false;
        }
        if (root["extensions"] is null) return true;
        if (root["extensions"] is not JsonObject extensions)
        {
            error = "extensions must be an object of strings";
            return false;
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in extensions)
        {
            if (name.Length == 0 || !name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9'))
            {
                error = $"extension name \"{name}\" must be lowercase letters and digits";
                return false;
            }
            if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
            {
                error = $"extensions.{name} must be a string";
                return false;
            }
            values[name] = v.GetValue<string>();
        }
        overrides = new CeOverrides(values);
        return true;
    }

    /// <summary>
    /// Sets every extension on <paramref name="cloudEvent"/> (an override wins over a value the event had), as Knative's
    /// client does before it sends. Names that are CloudEvents core attributes are skipped: overrides add extensions only.
    /// </summary>
    public CloudEvent ApplyTo(CloudEvent cloudEvent)
    {
        foreach (var (name, value) in Extensions)
        {
            if (Reserved.Any(a => a.Name == name)) continue;
            cloudEvent[name] = value;
        }
        return cloudEvent;
    }
}
