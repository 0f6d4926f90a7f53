using System.Globalization;
using System.Text.Json.Nodes;
using Platform.Cli.Client;
using Platform.ControlPlane.Kinds;

namespace Platform.Cli.Commands.Resources;

/// <summary>One column of a resource table: its header and how a row's cell is read from the object.</summary>
/// <param name="Header">Upper-case header, as kn prints it.</param>
/// <param name="Cell">The cell of one object, given the time now.</param>
internal sealed record Column(string Header, Func<JsonObject, DateTimeOffset, string> Cell);

/// <summary>The columns of <c>list</c>/<c>get</c> tables per kind, following kn's (pure).</summary>
internal static class ResourceColumns
{
    private static readonly Column Name = new("NAME", (o, _) => o.StringAt("metadata.name") ?? "");
    private static readonly Column Namespace = new("NAMESPACE", (o, _) => o.StringAt("metadata.namespace") ?? "");
    private static readonly Column Url = new("URL", (o, _) => o.StringAt("status.url") ?? o.StringAt("status.address.url") ?? "");
    private static readonly Column AgeColumn = new("AGE", (o, now) =>
        Age.Since(DateTimeOffset.TryParse(o.StringAt("metadata.creationTimestamp"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null, now));
    private static readonly Column Conditions = new("CONDITIONS", (o, _) => Readiness.Of(o).Summary);
    private static readonly Column Ready = new("READY", (o, _) => Readiness.Of(o).Ready);
    private static readonly Column Reason = new("REASON", (o, _) => Readiness.Of(o).Reason);

    /// <summary>
    /// The columns for <paramref name="kind"/>; <paramref name="wide"/> adds kind-specific detail, and
    /// <paramref name="allNamespaces"/> puts NAMESPACE first.
    /// </summary>
    public static IReadOnlyList<Column> For(ResourceKind kind, bool wide, bool allNamespaces)
    {
        var columns = new List<Column>();
        if (allNamespaces) columns.Add(Namespace);
        columns.Add(Name);
        columns.AddRange(kind.Kind switch
        {
            "Service" => [Url, new("LATEST", (o, _) => o.StringAt("status.latestReadyRevisionName") ?? o.StringAt("status.latestCreatedRevisionName") ?? ""), AgeColumn, Conditions, Ready, Reason],
            "Revision" => [new("SERVICE", (o, _) => Label(o, "serving.knative.dev/service")),
                new("GENERATION", (o, _) => Label(o, "serving.knative.dev/configurationGeneration")), AgeColumn, Conditions, Ready, Reason],
            "Route" => [Url, AgeColumn, Conditions, Ready, Reason],
            // As `kubectl get kpa` prints Knative's.
            "PodAutoscaler" => [new("DESIREDSCALE", (o, _) => o.StringAt("status.desiredScale") ?? ""), new("ACTUALSCALE", (o, _) => o.StringAt("status.actualScale") ?? ""),
                AgeColumn, Ready, Reason],
            "Configuration" => [new("LATEST CREATED", (o, _) => o.StringAt("status.latestCreatedRevisionName") ?? ""), new("LATEST READY", (o, _) => o.StringAt("status.latestReadyRevisionName") ?? ""), AgeColumn, Conditions, Ready, Reason],
            "Trigger" => [new("BROKER", (o, _) => o.StringAt("spec.broker") ?? ""), new("SINK", (o, _) => SinkText(o.At("spec.subscriber"))), AgeColumn, Conditions, Ready, Reason],
            "PingSource" => [new("SCHEDULE", (o, _) => o.StringAt("spec.schedule") ?? ""), new("SINK", (o, _) => SinkText(o.At("spec.sink"))), AgeColumn, Conditions, Ready, Reason],
            // As kn prints them: Kind:apiVersion of each watched resource.
            "ApiServerSource" => [new("RESOURCES", (o, _) => string.Join(",", o.ObjectsAt("spec.resources").Select(r => $"{r.StringAt("kind")}:{r.StringAt("apiVersion")}"))),
                new("SINK", (o, _) => SinkText(o.At("spec.sink"))), AgeColumn, Conditions, Ready, Reason],
            "ContainerSource" or "SinkBinding" => [new("SINK", (o, _) => SinkText(o.At("spec.sink"))), AgeColumn, Conditions, Ready, Reason],
            "DomainMapping" => [Url, new("REF", (o, _) => RefText(o.At("spec.ref"))), AgeColumn, Conditions, Ready, Reason],
            "Channel" => [new("TYPE", (o, _) => o.StringAt("spec.channelTemplate.kind") ?? o.StringAt("status.channel.kind") ?? ""), Url, AgeColumn, Ready, Reason],
            "Subscription" => [new("CHANNEL", (o, _) => RefText(o.At("spec.channel"))), new("SUBSCRIBER", (o, _) => SinkText(o.At("spec.subscriber"))),
                new("REPLY", (o, _) => SinkText(o.At("spec.reply"))), new("DEAD LETTER SINK", (o, _) => SinkText(o.At("spec.delivery.deadLetterSink"))), Ready, Reason],
            _ => [Url, AgeColumn, Conditions, Ready, Reason],
        });
        if (wide)
        {
            columns.AddRange(kind.Kind switch
            {
                "Service" => [new Column("TRAFFIC", (o, _) => TrafficText(o.ObjectsAt("status.traffic").Count > 0 ? o.ObjectsAt("status.traffic") : o.ObjectsAt("spec.traffic")))],
                "Revision" => [new Column("IMAGE", (o, _) => Workload(o.ObjectsAt("spec.containers").FirstOrDefault()))],
                "Trigger" => [new Column("FILTER", (o, _) => string.Join(",", o.MapAt("spec.filter.attributes").Select(p => $"{p.Key}={p.Value}")))],
                "Broker" => [new Column("CLASS", (o, _) => Label(o, "eventing.knative.dev/broker.class", "annotations"))],
                _ => [],
            });
            if (kind.Kind != "Revision") columns.Add(new Column("GENERATION", (o, _) => o.StringAt("metadata.generation") ?? ""));
        }
        return columns;
    }

    /// <summary>The rows of <paramref name="objects"/> under <paramref name="columns"/>.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Rows(IEnumerable<JsonObject> objects, IReadOnlyList<Column> columns, DateTimeOffset now) =>
        [.. objects.Select(o => (IReadOnlyList<string>)[.. columns.Select(c => c.Cell(o, now))])];

    /// <summary>A sink or subscriber as kn prints it: <c>ksvc:hello</c>, <c>broker:default</c>, or its URI.</summary>
    public static string SinkText(JsonNode? destination)
    {
        if (destination is null) return "";
        var reference = destination["ref"];
        var uri = destination.StringAt("uri");
        if (reference is null) return uri ?? "";
        var text = RefText(reference);
        return uri is { Length: > 0 } ? $"{text}{(uri.StartsWith('/') ? "" : "/")}{uri}" : text;
    }

    /// <summary>A KReference as <c>prefix:name</c> (<c>ksvc</c>, <c>broker</c>, <c>channel</c>, <c>imc</c>) or <c>Kind:name</c>.</summary>
    public static string RefText(JsonNode? reference)
    {
        if (reference is null) return "";
        var name = reference.StringAt("name") ?? "";
        var prefix = reference.StringAt("kind") switch
        {
            "Service" when reference.StringAt("apiVersion")?.StartsWith("serving.knative.dev", StringComparison.Ordinal) ?? true => "ksvc",
            "Broker" => "broker",
            "Channel" => "channel",
            "InMemoryChannel" => "imc",
            { } other => other,
            null => "",
        };
        return prefix.Length == 0 ? name : $"{prefix}:{name}";
    }

    /// <summary>Traffic targets as <c>hello-00001=50%,@latest=50%(tag:v2)</c>.</summary>
    public static string TrafficText(IEnumerable<JsonObject> targets) => string.Join(",", targets.Select(t =>
        $"{(t.StringAt("latestRevision") == "true" && t.StringAt("revisionName") is null ? "@latest" : t.StringAt("revisionName") ?? "")}={t.StringAt("percent") ?? "0"}%" +
        (t.StringAt("tag") is { Length: > 0 } tag ? $"(tag:{tag})" : "")));

    // The image, or the command a local revision runs when it has none.
    private static string Workload(JsonObject? container) =>
        container?.StringAt("image") ?? (container?["command"] is JsonArray command ? string.Join(' ', command.Select(c => c?.ToString())) : "");

    private static string Label(JsonObject o, string key, string map = "labels") =>
        o.At("metadata")?[map]?[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
}
