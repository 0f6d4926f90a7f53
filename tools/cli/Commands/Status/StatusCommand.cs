using System.CommandLine;
using Platform.Cli.Output;
using Platform.Cli.Runner.Health;
using Platform.Cli.Runner.State;

namespace Platform.Cli.Commands.Status;

/// <summary><c>platform status</c>: what <c>platform up</c> runs for this dapr.yaml, with live health.</summary>
internal static class StatusCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(Terminal terminal)
    {
        var file = RunFileArgument.Create();
        var command = new Command("status", "Show the apps `platform up` runs and whether they are healthy now") { file };
        command.SetAction(async (parse, cancel) =>
        {
            var (path, label) = RunFileArgument.Resolve(parse.GetValue(file)!);
            var state = new RunStateStore(RunFileArgument.PlatformDir(path)).Read();
            if (state is null || !RunStateStore.RunnerAlive(state))
            {
                terminal.Line($"nothing is running for {label} (start it with `platform up`)");
                return ExitCode.Ok;
            }
            var apps = await Task.WhenAll(state.Apps.Select(a => ProbeAsync(a, cancel))).ConfigureAwait(false);
            AppTable.Write(terminal, apps);
            terminal.Line($"runner pid {state.RunnerPid} ({(state.Detached ? "background" : "foreground")}), phase {state.Phase.ToString().ToLowerInvariant()}");
            return apps.All(a => a.Status == "healthy") ? ExitCode.Ok : ExitCode.Failure;
        });
        return command;
    }

    private static async Task<RunApp> ProbeAsync(RunApp app, CancellationToken cancel)
    {
        var sidecar = await Probes.StatusAsync($"http://127.0.0.1:{app.DaprHttpPort}/v1.0/healthz", cancel).ConfigureAwait(false);
        bool appOk = app.HealthUrl is { } url
            ? await Probes.StatusAsync(url, cancel).ConfigureAwait(false) is >= 200 and < 300
            : app.AppPort is not int port || await Probes.AcceptsConnectionsAsync(port, cancel).ConfigureAwait(false);
        var status = (sidecar == 204, appOk) switch
        {
            (true, true) => "healthy",
            (false, true) => "sidecar unhealthy",
            (true, false) => "app unhealthy",
            _ => "unhealthy",
        };
        return app with { Status = status };
    }
}
