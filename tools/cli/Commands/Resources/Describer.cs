using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Cli.Client;
using Platform.ControlPlane.Kinds;

namespace Platform.Cli.Commands.Resources;

/// <summary>
/// The text of <c>describe</c>, laid out like kn's: identity, the kind's own details (image, traffic, filters,
/// sink), then the conditions with kn's markers (<c>++</c> True, <c>!!</c> False, <c>??</c> Unknown). Pure.
/// </summary>
internal static class Describer
{
    /// <summary>Describes <paramref name="obj"/> of <paramref name="kind"/> as seen at <paramref name="now"/>.</summary>
    public static string Describe(ResourceKind kind, JsonObject obj, DateTimeOffset now)
    {
        var text = new StringBuilder();
        var fields = new List<(string, string)>
        {
            ("Name", obj.StringAt("metadata.name") ?? ""),
            ("Namespace", obj.StringAt("metadata.namespace") ?? ""),
        };
        AddMap(fields, "Labels", obj.MapAt("metadata.labels"));
        AddMap(fields, "Annotations", obj.MapAt("metadata.annotations"));
        fields.Add(("Age", Age.Since(Time(obj.StringAt("metadata.creationTimestamp")), now)));
        if (obj.StringAt("status.url") is { } url) fields.Add(("URL", url));
        else if (obj.StringAt("status.address.url") is { } address) fields.Add(("Address", address));
        Fields(text, fields);

        switch (kind.Kind)
        {
            case "Service":
                Template(text, obj.At("spec.template"));
                Traffic(text, "Revisions", obj.ObjectsAt("status.traffic").Count > 0 ? obj.ObjectsAt("status.traffic") : obj.ObjectsAt("spec.traffic"));
                break;
            case "Configuration":
                Template(text, obj.At("spec.template"));
                break;
            case "Revision":
                text.AppendLine();
                Fields(text, [("Service", Label(obj, "serving.knative.dev/service")), ("Configuration", Label(obj, "serving.knative.dev/configuration")),
                    ("Replicas", $"{obj.StringAt("status.actualReplicas") ?? "0"}/{obj.StringAt("status.desiredReplicas") ?? "0"}")]);
                Containers(text, obj.At("spec"));
                break;
            case "Route":
                Traffic(text, "Traffic Targets", obj.ObjectsAt("status.traffic").Count > 0 ? obj.ObjectsAt("status.traffic") : obj.ObjectsAt("spec.traffic"));
                break;
            case "Broker":
                text.AppendLine();
                Fields(text, [("Class", obj.At("metadata.annotations")?["eventing.knative.dev/broker.class"]?.ToString() ?? ""),
                    ("Dead Letter Sink", ResourceColumns.SinkText(obj.At("spec.delivery.deadLetterSink"))),
                    ("Retry", obj.StringAt("spec.delivery.retry") ?? "")]);
                break;
            case "Trigger":
                text.AppendLine();
                Fields(text, [("Broker", obj.StringAt("spec.broker") ?? ""), ("Sink", ResourceColumns.SinkText(obj.At("spec.subscriber")))]);
                var filters = obj.MapAt("spec.filter.attributes");
                if (filters.Count > 0)
                {
                    text.AppendLine("Filter:");
                    foreach (var (k, v) in filters) text.Append("  ").Append(k).Append(": ").AppendLine(v);
                }
                break;
            case "PingSource":
                text.AppendLine();
                Fields(text, [("Schedule", obj.StringAt("spec.schedule") ?? ""), ("Timezone", obj.StringAt("spec.timezone") ?? ""),
                    ("Data", obj.StringAt("spec.data") ?? obj.StringAt("spec.dataBase64") ?? ""), ("Sink", ResourceColumns.SinkText(obj.At("spec.sink")))]);
                break;
            case "Channel" or "InMemoryChannel":
                text.AppendLine();
                Fields(text, [("Type", obj.StringAt("spec.channelTemplate.kind") ?? kind.Kind), ("Subscribers", obj.ObjectsAt("spec.subscribers").Count.ToString(CultureInfo.InvariantCulture))]);
                break;
            case "Subscription":
                text.AppendLine();
                Fields(text, [("Channel", ResourceColumns.RefText(obj.At("spec.channel"))), ("Subscriber", ResourceColumns.SinkText(obj.At("spec.subscriber"))),
                    ("Reply", ResourceColumns.SinkText(obj.At("spec.reply"))), ("Dead Letter Sink", ResourceColumns.SinkText(obj.At("spec.delivery.deadLetterSink")))]);
                break;
            default:
                if (obj.At("spec.sink") is { } sink)
                {
                    text.AppendLine();
                    Fields(text, [("Sink", ResourceColumns.SinkText(sink))]);
                }
                break;
        }

        Conditions(text, obj.ObjectsAt("status.conditions"), now);
        return text.ToString();
    }

    private static void Template(StringBuilder text, JsonNode? template)
    {
        text.AppendLine();
        var annotations = template.MapAt("metadata.annotations");
        var fields = new List<(string, string)>();
        if (template.StringAt("metadata.name") is { } revisionName) fields.Add(("Revision Name", revisionName));
        foreach (var (k, v) in annotations.Where(a => a.Key.StartsWith("autoscaling.knative.dev/", StringComparison.Ordinal)))
            fields.Add((k["autoscaling.knative.dev/".Length..], v));
        if (template.StringAt("spec.containerConcurrency") is { } cc) fields.Add(("Concurrency Limit", cc));
        Fields(text, fields);
        Containers(text, template?["spec"]);
    }

    private static void Containers(StringBuilder text, JsonNode? spec)
    {
        foreach (var c in spec.ObjectsAt("containers"))
        {
            var fields = new List<(string, string)>();
            if (c.StringAt("image") is { } image) fields.Add(("Image", image));
            if (c.ObjectsAt("command").Count > 0 || c["command"] is JsonArray)
                fields.Add(("Command", string.Join(' ', (c["command"] as JsonArray ?? []).Select(x => x?.ToString()))));
            if (c["args"] is JsonArray args) fields.Add(("Args", string.Join(' ', args.Select(x => x?.ToString()))));
            if (c.ObjectsAt("ports").FirstOrDefault()?.StringAt("containerPort") is { } port) fields.Add(("Port", port));
            var env = c.ObjectsAt("env").Select(e => $"{e.StringAt("name")}={e.StringAt("value")}").ToList();
            if (env.Count > 0) fields.Add(("Env", string.Join(", ", env)));
            Fields(text, fields);
        }
    }

    private static void Traffic(StringBuilder text, string heading, IReadOnlyList<JsonObject> targets)
    {
        if (targets.Count == 0) return;
        text.AppendLine().Append(heading).AppendLine(":");
        foreach (var t in targets)
        {
            var latest = t.StringAt("latestRevision") == "true";
            var revision = t.StringAt("revisionName");
            var who = latest ? revision is null ? "@latest" : $"@latest ({revision})" : revision ?? t.StringAt("configurationName") ?? "";
            text.Append("  ").Append($"{t.StringAt("percent") ?? "0",3}%").Append("  ").Append(who);
            if (t.StringAt("tag") is { Length: > 0 } tag) text.Append(" #").Append(tag);
            if (t.StringAt("url") is { Length: > 0 } url) text.Append("  ").Append(url);
            text.AppendLine();
        }
    }

    private static void Conditions(StringBuilder text, IReadOnlyList<JsonObject> conditions, DateTimeOffset now)
    {
        text.AppendLine().AppendLine("Conditions:");
        if (conditions.Count == 0)
        {
            text.AppendLine("  (none reported yet)");
            return;
        }
        var width = Math.Max(4, conditions.Max(c => (c.StringAt("type") ?? "").Length));
        text.Append("  OK ").Append("TYPE".PadRight(width)).AppendLine("  AGE  REASON");
        foreach (var c in conditions)
        {
            var mark = (c.StringAt("status"), c.StringAt("severity")) switch
            {
                ("True", _) => "++",
                (_, "Warning") => " W",
                (_, "Info") => " I",
                ("False", _) => "!!",
                _ => "??",
            };
            var age = Age.Since(Time(c.StringAt("lastTransitionTime")), now);
            var reason = c.StringAt("reason") ?? "";
            if (c.StringAt("message") is { Length: > 0 } message) reason = reason.Length == 0 ? message : $"{reason} ({message})";
            text.Append("  ").Append(mark).Append(' ').Append((c.StringAt("type") ?? "").PadRight(width)).Append("  ").Append(age.PadLeft(3)).Append("  ").AppendLine(reason);
        }
    }

    private static void Fields(StringBuilder text, IReadOnlyList<(string Name, string Value)> fields)
    {
        var shown = fields.Where(f => f.Value.Length > 0).ToList();
        if (shown.Count == 0) return;
        var width = shown.Max(f => f.Name.Length) + 2;
        foreach (var (name, value) in shown) text.Append((name + ":").PadRight(width)).AppendLine(value);
    }

    private static void AddMap(List<(string, string)> fields, string name, IReadOnlyList<KeyValuePair<string, string>> map)
    {
        if (map.Count > 0) fields.Add((name, string.Join(", ", map.Select(p => $"{p.Key}={p.Value}"))));
    }

    private static string Label(JsonObject o, string key) =>
        o.At("metadata")?["labels"]?[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";

    private static DateTimeOffset? Time(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}
