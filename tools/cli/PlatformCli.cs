using System.CommandLine;
using System.CommandLine.Invocation;
using Platform.Cli.Commands.Apply;
using Platform.Cli.Commands.Broker;
using Platform.Cli.Commands.Channel;
using Platform.Cli.Commands.Delete;
using Platform.Cli.Commands.Describe;
using Platform.Cli.Commands.Domain;
using Platform.Cli.Commands.Down;
using Platform.Cli.Commands.Get;
using Platform.Cli.Commands.Revision;
using Platform.Cli.Commands.Route;
using Platform.Cli.Commands.Service;
using Platform.Cli.Commands.Source;
using Platform.Cli.Commands.Status;
using Platform.Cli.Commands.Subscription;
using Platform.Cli.Commands.Test;
using Platform.Cli.Commands.Trigger;
using Platform.Cli.Commands.Up;
using Platform.Cli.Output;

namespace Platform.Cli;

/// <summary>
/// The <c>platform</c> command tree. Each command lives in its own folder under <c>Commands/</c> and is added
/// here; output goes through <see cref="Terminal"/>, exit codes are <see cref="ExitCode"/>.
/// </summary>
internal static class PlatformCli
{
    /// <summary>Builds the root command writing to <paramref name="terminal"/>.</summary>
    public static RootCommand Build(Terminal terminal)
    {
        var root = new RootCommand("platform: Knative Serving and Eventing on Dapr and KEDA. Run the services locally with `platform up`.")
        {
            UpCommand.Create(terminal),
            DownCommand.Create(terminal),
            StatusCommand.Create(terminal),
            ApplyCommand.Create(terminal),
            GetCommand.Create(terminal),
            DescribeCommand.Create(terminal),
            DeleteCommand.Create(terminal),
            ServiceCommand.Create(terminal),
            RevisionCommand.Create(terminal),
            RouteCommand.Create(terminal),
            DomainCommand.Create(terminal),
            BrokerCommand.Create(terminal),
            TriggerCommand.Create(terminal),
            SourceCommand.Create(terminal),
            ChannelCommand.Create(terminal),
            SubscriptionCommand.Create(terminal),
            TestCommand.Create(terminal),
            Commands.Deploy.DeployCommand.Create(terminal),
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
        // No @response files: kn's `--tag @latest=v1` and `--traffic @latest=100` must reach the command as written.
        var configuration = new ParserConfiguration { ResponseFileTokenReplacer = null };
        var parse = root.Parse(args, configuration);
        if (args.Length == 0)
            parse = root.Parse(["--help"], configuration);
        if (parse.Errors.Count > 0 && parse.Action is ParseErrorAction)
        {
            var command = Commands.Resources.ResourceRun.CommandPath(parse);
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
