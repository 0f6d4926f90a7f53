using System.CommandLine;
using System.Diagnostics;
using Platform.Cli.Output;
using Platform.Cli.Runner;

namespace Platform.Cli.Commands.Up;

/// <summary><c>platform up</c>: runs every app of dapr.yaml with its Dapr sidecar.</summary>
internal static class UpCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(Terminal terminal)
    {
        var file = RunFileArgument.Create();
        var components = new Option<string?>("--components")
        {
            Description = "A folder of Dapr component files used by every app instead of resourcesPaths (e.g. components/kafka)",
            HelpName = "DIR",
        };
        var detach = new Option<bool>("--detach", "-d") { Description = "Return once every app is healthy and keep them running in the background (stop with `platform down`)" };
        var dapr = new Option<bool>("--dapr") { Description = "Run the real Dapr CLI (`dapr run -f FILE`) instead of the bundled runner" };
        var timeout = new Option<int>("--timeout")
        {
            Description = "Seconds every app may take to become healthy",
            DefaultValueFactory = _ => 120,
            HelpName = "SECONDS",
        };
        timeout.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() <= 0) r.AddError("--timeout must be a positive number of seconds");
        });
        var supervise = new Option<bool>("--supervise") { Hidden = true, Description = "Internal: the background supervisor of --detach" };

        var command = new Command("up", "Run every app of dapr.yaml with its Dapr sidecar: prefixed logs, health waits, clean stop on Ctrl-C")
        {
            file, components, detach, dapr, timeout, supervise,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var (path, label) = RunFileArgument.Resolve(parse.GetValue(file)!);
            if (parse.GetValue(dapr)) return await DaprCli.RunAsync(path, terminal).ConfigureAwait(false);

            var settings = new UpSettings(path, label, parse.GetValue(components), TimeSpan.FromSeconds(parse.GetValue(timeout)));
            if (parse.GetValue(supervise)) return await RunAsync(settings, terminal, detached: true).ConfigureAwait(false);
            if (parse.GetValue(detach)) return await DetachedUp.RunAsync(settings, terminal).ConfigureAwait(false);
            return await RunAsync(settings, terminal, detached: false).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Runs in this process until stopped (foreground, or as the background supervisor).</summary>
    internal static async Task<int> RunAsync(UpSettings settings, Terminal terminal, bool detached)
    {
        using var signals = new StopSignals();
        var (run, refusal) = await RunPreparation.PrepareAsync(settings.Path, settings.Label, settings.Components, terminal, signals.Token).ConfigureAwait(false);
        if (refusal is not null) return Refuse(terminal, refusal);
        var sidecar = SidecarLocator.Find(run!.File.BaseDir, out var problem);
        if (sidecar is null)
        {
            terminal.Fail(problem!);
            return ExitCode.Failure;
        }
        // A .dll runs on this CLI's dotnet host; anything else (a daprd-compatible executable) runs as it is.
        IReadOnlyList<string> sidecarCommand = sidecar.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? [DotnetHost(), sidecar] : [sidecar];
        var local = new LocalRun(run, new LocalRunOptions(sidecarCommand, settings.Timeout, detached), terminal);
        return await local.RunAsync(signals.Token).ConfigureAwait(false);
    }

    /// <summary>Prints a refusal and returns its exit code.</summary>
    internal static int Refuse(Terminal terminal, RunRefusal refusal)
    {
        terminal.Fail(refusal.Heading, refusal.Problems, refusal.Hint);
        return refusal.ExitCode;
    }

    /// <summary>The <c>dotnet</c> host running this CLI (or the one on PATH).</summary>
    internal static string DotnetHost()
    {
        var path = Environment.ProcessPath;
        if (path is not null && Path.GetFileNameWithoutExtension(path) == "dotnet") return path;
        return Runner.Processes.ChildProcess.FindOnPath("dotnet") ?? "dotnet";
    }
}

/// <summary>What <c>up</c> was asked to run.</summary>
/// <param name="Path">Absolute path of dapr.yaml.</param>
/// <param name="Label">Its name in messages.</param>
/// <param name="Components">The <c>--components</c> folder, or null.</param>
/// <param name="Timeout">How long apps may take to become healthy.</param>
internal sealed record UpSettings(string Path, string Label, string? Components, TimeSpan Timeout);

/// <summary><c>up --dapr</c>: hands over to the real Dapr CLI.</summary>
internal static class DaprCli
{
    public static async Task<int> RunAsync(string file, Terminal terminal)
    {
        var dapr = Runner.Processes.ChildProcess.FindOnPath("dapr");
        if (dapr is null)
        {
            terminal.Fail("the Dapr CLI (dapr) is not installed or not on PATH",
                "install it (https://docs.dapr.io/getting-started/install-dapr-cli/) or run without --dapr to use the bundled runner");
            return ExitCode.Usage;
        }
        var info = new ProcessStartInfo(dapr) { UseShellExecute = false };
        foreach (var a in new[] { "run", "-f", file }) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        // The Dapr CLI shares our terminal, so Ctrl-C reaches it directly; SIGTERM / SIGHUP sent to us are passed on.
        using var signals = new StopSignals(signal =>
        {
            if (signal != System.Runtime.InteropServices.PosixSignal.SIGINT) Runner.Processes.Signals.Send(process.Id, Runner.Processes.Signals.Terminate);
        });
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        return process.ExitCode;
    }
}
