using System.Text.Json.Nodes;
using Platform.ControlPlane.Store;
using Platform.Sources.Sdk;

namespace Platform.Sources.Bindings;

/// <summary>
/// What a SinkBinding puts into a pod template, as Knative's <c>SinkBinding.Do</c>/<c>Undo</c> do: <c>K_SINK</c> (the
/// sink's URI) and <c>K_CE_OVERRIDES</c> (the ceOverrides as <c>{"extensions":{...}}</c>, empty when there are none)
/// appended to the env of every container and init container, after removing earlier values. Works on the JSON of
/// an object with <c>spec.template.spec</c> (a Knative Service, a Deployment, a Job, ...), so that every field the
/// typed model does not know is kept as written. Pure.
/// </summary>
internal static class BindingEnv
{
    /// <summary>The variables a binding owns; <see cref="Remove"/> takes these out and nothing else.</summary>
    public static IReadOnlyList<string> Names { get; } = [SourceEnvironment.SinkVariable, SourceEnvironment.OverridesVariable];

    /// <summary>The variables to inject for <paramref name="sink"/> and <paramref name="overrides"/>, in Knative's order.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> For(Uri sink, CeOverrides overrides) =>
    [
        new(SourceEnvironment.SinkVariable, sink.ToString()),
        new(SourceEnvironment.OverridesVariable, overrides.ToJson()),
    ];

    /// <summary>
    /// Sets <paramref name="variables"/> in every container of <paramref name="podSpec"/> (a pod spec's JSON),
    /// replacing earlier values of <see cref="Names"/>; true when something changed.
    /// </summary>
    public static bool Inject(JsonObject podSpec, IReadOnlyList<KeyValuePair<string, string>> variables)
    {
        var changed = false;
        foreach (var container in Containers(podSpec))
        {
            var before = container["env"]?.DeepClone();
            var env = Without(container["env"] as JsonArray);
            foreach (var (name, value) in variables) env.Add(new JsonObject { ["name"] = name, ["value"] = value });
            container["env"] = env;
            changed |= !JsonNode.DeepEquals(before, env);
        }
        return changed;
    }

    /// <summary>Removes <see cref="Names"/> from every container of <paramref name="podSpec"/>; true when something changed.</summary>
    public static bool Remove(JsonObject podSpec)
    {
        var changed = false;
        foreach (var container in Containers(podSpec))
        {
            if (container["env"] is not JsonArray env) continue;
            var kept = Without(env);
            if (kept.Count == env.Count) continue;
            changed = true;
            if (kept.Count == 0) container.Remove("env");
            else container["env"] = kept;
        }
        return changed;
    }

    /// <summary>The value of <paramref name="name"/> in the first container of <paramref name="podSpec"/>, or null.</summary>
    public static string? ValueOf(JsonObject podSpec, string name) =>
        Containers(podSpec).Select(c => (c["env"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(e => e.Str("name") == name)?.Str("value")).FirstOrDefault();

    /// <summary><c>spec.template.spec</c> of an object, or null when it has none.</summary>
    public static JsonObject? PodSpecOf(JsonObject obj) => obj["spec"]?["template"]?["spec"] as JsonObject;

    private static IEnumerable<JsonObject> Containers(JsonObject podSpec) =>
        new[] { "initContainers", "containers" }.SelectMany(list => (podSpec[list] as JsonArray)?.OfType<JsonObject>() ?? []);

    private static JsonArray Without(JsonArray? env) =>
        [.. (env ?? []).Where(e => e is not JsonObject o || !Names.Contains(o.Str("name") ?? "")).Select(e => e?.DeepClone())];
}
