using System.CommandLine;
using System.Globalization;
using Platform.Cli.Output;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;

namespace Platform.Cli.Commands.Resources;

/// <summary>
/// Opt-in <c>--wait</c> / <c>--wait-timeout</c> for create commands of kinds that kn does not wait for (Broker,
/// Trigger): scripts that post an event right after <c>trigger create</c> need the trigger's subscription open first,
/// because a broker only routes events to triggers that are Ready.
/// </summary>
internal sealed class WaitFlags
{
    private readonly Option<bool> _wait;
    private readonly Option<int> _timeout = new("--wait-timeout") { HelpName = "SECONDS", Description = "Seconds to wait with --wait", DefaultValueFactory = _ => 60 };

    /// <summary>Creates the flags; <paramref name="kind"/> names the resource in the help text.</summary>
    public WaitFlags(string kind) => _wait = new Option<bool>("--wait") { Description = $"Wait until the {kind} is Ready" };

    /// <summary>Adds both options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_wait);
        command.Options.Add(_timeout);
    }

    /// <summary>Waits when <c>--wait</c> was given, printing progress; the exit code of the command.</summary>
    public async Task<int> WaitAsync(ParseResult parse, Terminal terminal, IResourceStore client, ResourceKind kind, string ns, string name, CancellationToken cancel)
    {
        if (!parse.GetValue(_wait)) return ExitCode.Ok;
        var seconds = parse.GetValue(_timeout);
        if (seconds <= 0) throw new UsageException("--wait-timeout: must be a positive number of seconds");
        terminal.Progress($"Waiting for {kind.Kind} '{name}' to become ready:");
        var outcome = await ReadyWaiter.WaitAsync(terminal, client, kind, ns, name, TimeSpan.FromSeconds(seconds), cancel).ConfigureAwait(false);
        var lower = kind.Kind.ToLowerInvariant();
        switch (outcome.State)
        {
            case ReadyState.Ready:
                terminal.Line($"{kind.Kind} '{name}' is ready.");
                return ExitCode.Ok;
            case ReadyState.Failed:
                terminal.Fail($"{kind.Kind} '{name}' is not ready: {outcome.Readiness.Reason}{(outcome.Readiness.Message.Length > 0 ? ": " + outcome.Readiness.Message : "")}",
                    $"see `platform {lower} describe {name} -n {ns}`");
                return ExitCode.Failure;
            default:
                terminal.Fail($"timeout: {kind.Kind} '{name}' not ready after {seconds.ToString(CultureInfo.InvariantCulture)} seconds" +
                    (outcome.Readiness.Reason.Length > 0 ? $" (last reason: {outcome.Readiness.Reason})" : ""),
                    $"the {kind.Kind} stays; follow it with `platform {lower} describe {name}` or raise --wait-timeout");
                return ExitCode.Failure;
        }
    }
}
