using System.CommandLine;
using System.Diagnostics;
using Platform.Cli.Output;
using Platform.Cli.Runner.Processes;
using Platform.Cli.Runner.State;

namespace Platform.Cli.Commands.Down;

/// <summary><c>platform down</c>: stops what <c>platform up</c> started (detached or in another terminal).</summary>
internal static class DownCommand
{
    /// <summary>How long the runner may take to stop its apps before everything is killed.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Builds the command.</summary>
    public static Command Create(Terminal terminal)
    {
        var file = RunFileArgument.Create();
        var command = new Command("down", "Stop the apps that `platform up` started for this dapr.yaml") { file };
        command.SetAction(async (parse, cancel) =>
        {
            var (path, label) = RunFileArgument.Resolve(parse.GetValue(file)!);
            return await StopAsync(RunFileArgument.PlatformDir(path), label, terminal).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> StopAsync(string platformDir, string label, Terminal terminal)
    {
        var store = new RunStateStore(platformDir);
        var state = store.Read();
        if (state is null)
        {
            terminal.Line($"nothing is running for {label} (no {Path.GetRelativePath(Environment.CurrentDirectory, store.Path)})");
            return ExitCode.Ok;
        }
        if (!RunStateStore.RunnerAlive(state))
        {
            var left = RunStateStore.KillLeftovers(state, platformDir);
            store.Delete();
            terminal.Line(left > 0
                ? $"the runner of {label} was gone; killed {left} process(es) it left behind"
                : $"nothing is running for {label} (removed the state of a run that had already ended)");
            return ExitCode.Ok;
        }

        terminal.Progress($"stopping {state.Apps.Count} app(s) of {label} (runner pid {state.RunnerPid})...");
        Signals.Send(state.RunnerPid, Signals.Terminate);
        var clock = Stopwatch.StartNew();
        while (RunStateStore.RunnerAlive(state) && clock.Elapsed < StopTimeout)
            await Task.Delay(100).ConfigureAwait(false);
        if (RunStateStore.RunnerAlive(state))
        {
            terminal.Warn($"the runner did not stop within {StopTimeout.TotalSeconds:0} s; killing it and its processes");
            Signals.Send(state.RunnerPid, Signals.Kill);
        }
        // Whatever the runner could not stop (or a runner killed above) is killed here.
        var leftovers = RunStateStore.KillLeftovers(state, platformDir);
        if (leftovers > 0) terminal.Warn($"killed {leftovers} process(es) that were still running");
        store.Delete();
        terminal.Success($"stopped {string.Join(", ", state.Apps.Select(a => a.AppId))}");
        return ExitCode.Ok;
    }
}
