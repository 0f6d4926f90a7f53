using Platform.Cli.Output;
using Spectre.Console;

namespace Platform.Cli.Commands.Test;

/// <summary>
/// Figures the tests measured (the fault suite's accepted / delivered / errors / time to recover): every
/// <c>*.figures.tsv</c> in the results folder, a header line then one line per case, printed as a table after the
/// run. Tests find the folder in <see cref="ResultsVariable"/>.
/// </summary>
internal static class FigureTables
{
    /// <summary>The environment variable naming the results folder for the test processes.</summary>
    public const string ResultsVariable = "PLATFORM_TEST_RESULTS";

    /// <summary>Prints each figures file found in <paramref name="resultsDir"/>.</summary>
    public static void Write(Terminal terminal, string resultsDir)
    {
        foreach (var file in Directory.EnumerateFiles(resultsDir, "*.figures.tsv").Order(StringComparer.Ordinal))
        {
            var lines = File.ReadAllLines(file).Where(l => l.Length > 0).Select(l => l.Split('\t')).ToList();
            if (lines.Count < 2) continue;
            var table = new Table().Border(TableBorder.Rounded).AddColumns(lines[0].Select(Markup.Escape).ToArray());
            foreach (var row in lines.Skip(1))
                table.AddRow(row.Concat(Enumerable.Repeat("", Math.Max(0, lines[0].Length - row.Length))).Take(lines[0].Length).Select(Markup.Escape).ToArray());
            terminal.Line(Path.GetFileName(file)[..^".figures.tsv".Length] + ":");
            terminal.Write(table);
        }
    }
}
