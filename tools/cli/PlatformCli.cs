using System.CommandLine;
using System.CommandLine.Invocation;
using Platform.Cli.Commands.Down;
using Platform.Cli.Commands.Status;
using Platform.Cli.Commands.Up;
using Platform.Cli.Output;

namespace Platform.Cli;

/// <summary>
/// The <c>platform</c> command tree. Each command lives in its own folder under <c>Commands/</c> and is added
/// here; output goes through <see cref="Terminal"/>, exit codes are <see cref="ExitCode"/>.
/// </summary>
public static class PlatformCli
{
    /// <summary>Builds the root command writing to <paramref name="terminal"/>.</summary>
    public static RootCommand Build(Terminal terminal)
    {
        var root = new RootCommand("platform: Knative Serving and Eventing on Dapr and KEDA. Run the services locally with `platform up`.")
        {
            UpCommand.Create(terminal),
            DownCommand.Create(terminal),
            StatusCommand.Create(terminal),
        };
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>: usage errors print in red with a pointer to <c>--help</c> and
    /// return 2; an unexpected exception prints in red and returns 1.
    /// </summary>
    public static async Task<int> InvokeAsync(string[] args, Terminal? terminal = null)
    {
        terminal ??= Terminal.FromProcess();
        var root = Build(terminal);
        var parse = root.Parse(args);
        if (args.Length == 0)
            parse = root.Parse(["--help"]);
        if (parse.Errors.Count > 0 && parse.Action is ParseErrorAction)
        {
            var command = string.Join(' ', ["platform", .. parse.CommandResult.Command.Parents.OfType<Command>().Reverse().Skip(1).Select(c => c.Name).Append(parse.CommandResult.Command.Name).Where(n => n != root.Name)]);
            terminal.Fail("invalid command line", parse.Errors.Select(e => e.Message), $"see `{command} --help`");
            return ExitCode.Usage;
        }
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                Output = terminal.Out,
                Error = terminal.Error,
                EnableDefaultExceptionHandler = false,
                // Commands handle SIGINT/SIGTERM themselves: stopping apps cleanly takes longer than a fixed timeout.
                ProcessTerminationTimeout = null,
            }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            terminal.Fail($"{e.GetType().Name}: {e.Message}", "this is a bug in platform; please report it with the command line you ran");
            return ExitCode.Failure;
        }
    }
}
