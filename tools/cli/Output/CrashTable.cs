using System.Globalization;
using Platform.Cli.Runner.State;
using Spectre.Console;

namespace Platform.Cli.Output;

/// <summary>The processes <c>platform up</c> restarted after a crash, as <c>status</c> prints them.</summary>
internal static class CrashTable
{
    /// <summary>One row per process (crashes, last exit code and time), then the last lines each wrote before it exited.</summary>
    public static void Write(Terminal terminal, IReadOnlyList<RunCrash> crashes)
    {
        if (crashes.Count == 0) return;
        var table = new Table().Border(TableBorder.Rounded).AddColumns("PROCESS", "CRASHES", "LAST EXIT", "AT (UTC)");
        foreach (var c in crashes)
            table.AddRow(Markup.Escape(c.Name), c.Crashes.ToString(CultureInfo.InvariantCulture),
                c.LastExitCode.ToString(CultureInfo.InvariantCulture),
                c.LastExitAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        terminal.Line("restarted after a crash:");
        terminal.Write(table);
        foreach (var c in crashes.Where(c => c.LastLines.Count > 0))
        {
            terminal.Line($"last output of {c.Name} before it exited:");
            foreach (var line in c.LastLines.TakeLast(5)) terminal.Line("  " + line);
        }
    }
}
