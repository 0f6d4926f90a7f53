using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Platform.Cli.Output;
using Spectre.Console;

namespace Platform.Cli.Commands.Test;

/// <summary>
/// <c>platform test</c>: runs every test project of the repository (<c>tests/*.Tests</c>), one at a time, from the
/// build already made (<c>--no-build</c>: the caller builds first, as <c>./platform test</c> does), with a hang
/// timeout, and ends with a table per project, every skip with its reason, every failure, and the line
/// <c>tests: N passed, N failed, N skipped</c>. Exits 1 when any test failed or a test host crashed or hung.
/// </summary>
internal static class TestCommand
{
    /// <summary>The hang timeout given to every test project (<c>--blame-hang-timeout</c>).</summary>
    public const string HangTimeout = "5m";

    public static Command Create(Terminal terminal)
    {
        var configuration = new Option<string>("--configuration", "-c")
        {
            Description = "Build configuration whose binaries are tested",
            DefaultValueFactory = _ => "Release",
            HelpName = "CONFIG",
        };
        var project = new Option<string[]>("--project", "-p")
        {
            Description = "Only test projects whose name contains this (repeatable)",
            HelpName = "NAME",
            AllowMultipleArgumentsPerToken = false,
        };
        var filter = new Option<string?>("--filter")
        {
            Description = "A `dotnet test --filter` expression, applied to every project",
            HelpName = "EXPR",
        };
        var results = new Option<string>("--results")
        {
            Description = "Folder for the TRX files (emptied first)",
            DefaultValueFactory = _ => ".test-results",
            HelpName = "DIR",
        };
        var command = new Command("test", "Run the whole test suite (already built) and print passed/failed/skipped with reasons")
        {
            configuration, project, filter, results,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var root = FindRoot(Environment.CurrentDirectory);
            if (root is null)
            {
                terminal.Fail("no Platform.sln here or above", "run `platform test` from inside the repository (./platform test does)");
                return ExitCode.Usage;
            }
            var wanted = parse.GetValue(project) ?? [];
            var projects = Directory.EnumerateDirectories(Path.Combine(root, "tests"), "*.Tests")
                .Select(d => Path.Combine(d, Path.GetFileName(d) + ".csproj"))
                .Where(File.Exists)
                .Where(p => wanted.Length == 0 || wanted.Any(w => Path.GetFileName(p).Contains(w, StringComparison.OrdinalIgnoreCase)))
                .Order(StringComparer.Ordinal)
                .ToList();
            if (projects.Count == 0)
            {
                terminal.Fail("no test project matches", $"test projects live in {Path.Combine(root, "tests")}/*.Tests");
                return ExitCode.Usage;
            }
            var resultsDir = Path.GetFullPath(parse.GetValue(results)!, root);
            if (Directory.Exists(resultsDir)) Directory.Delete(resultsDir, recursive: true);
            Directory.CreateDirectory(resultsDir);

            var runs = new List<ProjectRun>();
            foreach (var csproj in projects)
            {
                cancel.ThrowIfCancellationRequested();
                runs.Add(await RunProjectAsync(terminal, csproj, parse.GetValue(configuration)!, parse.GetValue(filter), resultsDir, cancel).ConfigureAwait(false));
            }
            FigureTables.Write(terminal, resultsDir);
            Report(terminal, runs);
            return runs.All(r => r.Succeeded) ? ExitCode.Ok : ExitCode.Failure;
        });
        return command;
    }

    /// <summary>What one project's run gave.</summary>
    private sealed record ProjectRun(string Name, int ExitCode, IReadOnlyList<TestResult> Results, TimeSpan Elapsed)
    {
        public int Passed => Results.Count(r => r.Verdict == TestVerdict.Passed);

        // A host that crashed or hung (non-zero exit, no failed result) is one failure of its own.
        public bool HostFailed => ExitCode != 0 && Results.All(r => r.Verdict != TestVerdict.Failed);

        public int Failed => Results.Count(r => r.Verdict == TestVerdict.Failed) + (HostFailed ? 1 : 0);

        public int Skipped => Results.Count(r => r.Verdict == TestVerdict.Skipped);

        public bool Succeeded => ExitCode == 0 && Failed == 0;
    }

    private static async Task<ProjectRun> RunProjectAsync(Terminal terminal, string csproj, string configuration, string? filter, string resultsDir, CancellationToken cancel)
    {
        var name = Path.GetFileNameWithoutExtension(csproj);
        var trx = Path.Combine(resultsDir, name + ".trx");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        foreach (var a in new[] { "test", csproj, "-c", configuration, "--no-build", "--logger", $"trx;LogFileName={name}.trx",
                     "--results-directory", resultsDir, "--blame-hang-timeout", HangTimeout, "--blame-hang-dump-type", "none" })
            info.ArgumentList.Add(a);
        // Tests that measure (the fault suite) write their figures here as tab-separated tables; printed at the end.
        info.Environment[FigureTables.ResultsVariable] = resultsDir;
        if (filter is not null)
        {
            info.ArgumentList.Add("--filter");
            info.ArgumentList.Add(filter);
        }
        terminal.Progress($"== {name}");
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet could not be started");
        try
        {
            await process.WaitForExitAsync(cancel).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        var results = File.Exists(trx) ? TrxReport.ReadFile(trx) : [];
        return new ProjectRun(name, process.ExitCode, results, watch.Elapsed);
    }

    private static void Report(Terminal terminal, IReadOnlyList<ProjectRun> runs)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("PROJECT", "PASSED", "FAILED", "SKIPPED", "TIME");
        foreach (var r in runs)
            table.AddRow(Markup.Escape(r.Name), N(r.Passed), r.Failed > 0 ? $"[red]{r.Failed}[/]" : "0", r.Skipped > 0 ? $"[yellow]{r.Skipped}[/]" : "0",
                string.Create(CultureInfo.InvariantCulture, $"{r.Elapsed.TotalSeconds:0} s"));
        terminal.Line("");
        terminal.Write(table);

        var skipped = runs.SelectMany(r => r.Results.Where(t => t.Verdict == TestVerdict.Skipped).Select(t => (r.Name, t))).ToList();
        if (skipped.Count > 0)
        {
            terminal.Line($"skipped ({skipped.Count}), by reason:");
            foreach (var group in skipped.GroupBy(s => s.t.Message.Length > 0 ? s.t.Message : "(no reason given)").OrderByDescending(g => g.Count()))
                terminal.Line($"  {group.Count(),4} × {group.Key}  [{string.Join(", ", group.Select(s => s.Name).Distinct())}]");
        }
        var failed = runs.SelectMany(r => r.Results.Where(t => t.Verdict == TestVerdict.Failed).Select(t => $"{r.Name}: {t.Name} ({t.Outcome}): {FirstLine(t.Message)}"))
            .Concat(runs.Where(r => r.HostFailed).Select(r => $"{r.Name}: the test host exited with {r.ExitCode} (crashed or hung; its output above says which test)"))
            .ToList();
        if (failed.Count > 0)
        {
            terminal.Line($"failed ({failed.Count}):");
            foreach (var f in failed) terminal.Line("  " + f);
        }
        terminal.Line(TrxReport.SummaryLine(runs.Sum(r => r.Passed), runs.Sum(r => r.Failed), runs.Sum(r => r.Skipped)));
    }

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    private static string? FindRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln"))) return dir.FullName;
        return null;
    }
}
