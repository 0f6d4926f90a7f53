using System.Diagnostics;
using System.Globalization;
using Platform.Cli.Output;
using Platform.Cli.Runner;
using Platform.Cli.Runner.State;

namespace Platform.Cli.Commands.Up;

/// <summary>
/// <c>up --detach</c>: checks everything here (so errors come back at once), then starts this CLI again as a
/// background supervisor (<c>up --supervise</c>, own session, output in <c>.platform/logs/up.log</c>) and
/// follows its state file until every app is healthy or the supervisor gives up.
/// </summary>
internal static class DetachedUp
{
    public static async Task<int> RunAsync(UpSettings settings, Terminal terminal)
    {
        using var signals = new StopSignals();
        var (run, refusal) = await RunPreparation.PrepareAsync(settings.Path, settings.Label, settings.Components, terminal, signals.Token).ConfigureAwait(false);
        if (refusal is not null) return UpCommand.Refuse(terminal, refusal);
        if (SidecarLocator.Find(run!.File.BaseDir, out var problem) is null)
        {
            terminal.Fail(problem!);
            return ExitCode.Failure;
        }

        var logs = Path.Combine(run.PlatformDir, "logs");
        Runner.Logs.RunLogs.KeepPrevious(logs);
        Directory.CreateDirectory(logs);
        var supervisorLog = Path.Combine(logs, "up.log");
        using var supervisor = StartSupervisor(settings, supervisorLog);
        terminal.Progress($"starting {run.Launches.Count} app(s) in the background (supervisor pid {supervisor.Id}, log {Relative(supervisorLog)})...");

        var store = new RunStateStore(run.PlatformDir);
        var reported = new HashSet<string>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        var deadline = settings.Timeout + TimeSpan.FromSeconds(30);
        while (true)
        {
            var state = store.Read();
            if (state is not null && state.RunnerPid == supervisor.Id)
            {
                foreach (var app in state.Apps.Where(a => a.Status == "healthy" && reported.Add(a.AppId)))
                    terminal.Progress($"  ✓ {app.AppId} healthy ({clock.Elapsed.TotalSeconds:0.0} s)");
                if (state.Phase == RunPhase.Ready)
                {
                    foreach (var n in state.Notices) terminal.Warn(n);
                    AppTable.Write(terminal, state.Apps);
                    terminal.Success($"ready: {state.Apps.Count} app(s) running in the background; logs in {Relative(logs)}; stop them with `platform down`");
                    return ExitCode.Ok;
                }
                if (state.Phase == RunPhase.Failed)
                {
                    try { await supervisor.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(false); }
                    catch (TimeoutException) { RunStateStore.KillLeftovers(state, run.PlatformDir); }
                    store.Delete();
                    var lines = (state.Error ?? "failed").Split(Environment.NewLine);
                    terminal.Fail(lines[0], lines.Skip(1).Where(l => l.Length > 0).Select(l => "  " + l).Prepend(lines.Length > 1 ? "last output:" : "").Where(l => l.Length > 0),
                        $"every other app was stopped; logs are in {Relative(logs)}");
                    return ExitCode.Failure;
                }
            }
            if (supervisor.HasExited)
            {
                var tail = File.Exists(supervisorLog) ? File.ReadLines(supervisorLog).TakeLast(20).ToList() : [];
                terminal.Fail($"the background runner stopped before the apps were ready (exit code {supervisor.ExitCode.ToString(CultureInfo.InvariantCulture)})",
                    tail.Select(l => "  " + l), $"full output: {Relative(supervisorLog)}");
                return supervisor.ExitCode == ExitCode.Usage ? ExitCode.Usage : ExitCode.Failure;
            }
            if (signals.Token.IsCancellationRequested || clock.Elapsed > deadline)
            {
                terminal.Progress(signals.Token.IsCancellationRequested ? "interrupted: stopping the background runner..." : "the background runner did not report; stopping it...");
                Runner.Processes.Signals.Send(supervisor.Id, Runner.Processes.Signals.Terminate);
                try { await supervisor.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(false); }
                catch (TimeoutException) { supervisor.Kill(); }
                return signals.Token.IsCancellationRequested ? ExitCode.Ok : ExitCode.Failure;
            }
            try { await Task.Delay(200, signals.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
    }

    private static Process StartSupervisor(UpSettings settings, string log)
    {
        // sh redirects the supervisor's output to its log, then setsid gives it its own session so it survives
        // this terminal; both exec in place, so the pid we get is the supervisor's.
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = Environment.CurrentDirectory };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec \"$@\" >\"$0\" 2>&1 </dev/null");
        info.ArgumentList.Add(log);
        if (Runner.Processes.ChildProcess.FindOnPath("setsid") is { } setsid) info.ArgumentList.Add(setsid);
        var host = Environment.ProcessPath ?? UpCommand.DotnetHost();
        info.ArgumentList.Add(host);
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") info.ArgumentList.Add(typeof(DetachedUp).Assembly.Location);
        foreach (var a in new[] { "up", "--file", settings.Path, "--supervise", "--timeout", ((int)settings.Timeout.TotalSeconds).ToString(CultureInfo.InvariantCulture) })
            info.ArgumentList.Add(a);
        if (settings.Components is { } c) { info.ArgumentList.Add("--components"); info.ArgumentList.Add(Path.GetFullPath(c)); }
        return Process.Start(info)!;
    }

    private static string Relative(string path)
    {
        var rel = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return rel.StartsWith("..", StringComparison.Ordinal) ? path : rel;
    }
}
