using System.CommandLine;
using System.Text.Json.Nodes;
using Platform.Cli.Output;
using Platform.ControlPlane.Kinds;
using Platform.Resources.Serialization;
using Spectre.Console;

namespace Platform.Cli.Commands.Resources;

/// <summary>How objects are printed: a table (default), <c>wide</c>, <c>yaml</c>, <c>json</c> or <c>name</c>.</summary>
internal static class ResourceOutput
{
    /// <summary>A new <c>-o/--output</c> option.</summary>
    public static Option<string?> Option() => new Option<string?>("--output", "-o")
    {
        HelpName = "FORMAT",
        Description = "Output format: yaml, json, wide or name (default: a table)",
    }.AcceptOnlyFromAmong("yaml", "json", "wide", "name");

    /// <summary>Prints <paramref name="objects"/> of <paramref name="kind"/> in <paramref name="format"/>.</summary>
    public static void Print(Terminal terminal, ResourceKind kind, IReadOnlyList<JsonObject> objects, string? format, bool allNamespaces, bool single, TimeProvider time)
    {
        switch (format)
        {
            case "yaml":
                terminal.Out.Write(single && objects.Count == 1
                    ? ResourceSerializer.ToYaml(objects[0])
                    : ResourceSerializer.ToYaml(List(kind, objects)));
                return;
            case "json":
                terminal.Line((single && objects.Count == 1 ? objects[0] : List(kind, objects)).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
                return;
            case "name":
                foreach (var o in objects) terminal.Line($"{kind.Singular}.{kind.Group}/{o["metadata"]?["name"]}");
                return;
        }

        if (objects.Count == 0)
        {
            terminal.Line($"No {kind.Plural} found.");
            return;
        }

        Table(terminal, ResourceColumns.For(kind, format == "wide", allNamespaces), objects, time.GetUtcNow());
    }

    /// <summary>Writes a borderless, kn-like table.</summary>
    public static void Table(Terminal terminal, IReadOnlyList<Column> columns, IEnumerable<JsonObject> objects, DateTimeOffset now)
    {
        var table = new Table().NoBorder();
        table.ShowRowSeparators = false;
        foreach (var c in columns) table.AddColumn(new TableColumn(terminal.OutColour ? $"[bold]{c.Header}[/]" : c.Header) { NoWrap = true, Padding = new Padding(0, 0, 3, 0) });
        foreach (var row in ResourceColumns.Rows(objects, columns, now))
            table.AddRow([.. row.Select((cell, i) => Paint(columns[i].Header, cell, terminal.OutColour))]);
        Write(terminal, table);
    }

    /// <summary>Writes a renderable without wrapping it to an 80-column guess when stdout is not a terminal.</summary>
    public static void Write(Terminal terminal, Spectre.Console.Rendering.IRenderable renderable)
    {
        if (System.Console.IsOutputRedirected || !ReferenceEquals(terminal.Out, System.Console.Out))
            terminal.Console.Profile.Width = 1000;
        terminal.Write(renderable);
    }

    private static string Paint(string header, string cell, bool colour)
    {
        var escaped = Markup.Escape(cell);
        if (!colour || header != "READY") return escaped;
        return cell switch { "True" => $"[green]{escaped}[/]", "False" => $"[red]{escaped}[/]", _ => $"[yellow]{escaped}[/]" };
    }

    private static JsonObject List(ResourceKind kind, IReadOnlyList<JsonObject> objects) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "List",
        ["items"] = new JsonArray([.. objects.Select(o => (JsonNode)o.DeepClone())]),
    };
}
