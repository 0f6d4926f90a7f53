using System.Globalization;
using Platform.Cli.Runner.State;
using Spectre.Console;

namespace Platform.Cli.Output;

/// <summary>The table of running apps that <c>up</c> and <c>status</c> print.</summary>
internal static class AppTable
{
    /// <summary>Writes one row per app: app-id, ports and status.</summary>
    public static void Write(Terminal terminal, IReadOnlyList<RunApp> apps)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("APP", "APP PORT", "DAPR HTTP", "DAPR GRPC", "METRICS", "STATUS");
        foreach (var a in apps)
        {
            var colour = a.Status switch { "healthy" => "green", "exited" or "unhealthy" => "red", _ => "yellow" };
            table.AddRow(
                Markup.Escape(a.AppId),
                a.AppPort?.ToString(CultureInfo.InvariantCulture) ?? "-",
                a.DaprHttpPort.ToString(CultureInfo.InvariantCulture),
                a.DaprGrpcPort.ToString(CultureInfo.InvariantCulture),
                a.MetricsPort.ToString(CultureInfo.InvariantCulture),
                $"[{colour}]{Markup.Escape(a.Status)}[/]");
        }
        terminal.Write(table);
    }
}
