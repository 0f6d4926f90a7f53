using System.CommandLine;
using Platform.Cli.Client;
using Platform.Cli.Output;
using Platform.ControlPlane.Http;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;

namespace Platform.Cli.Commands.Resources;

/// <summary>A command line that is wrong in a way the parser cannot see (a bad flag value); exit 2, nothing changed.</summary>
/// <param name="heading">What is wrong.</param>
/// <param name="problems">One line per problem (<c>spec.traffic: percents sum to 90, want 100</c>).</param>
internal sealed class UsageException(string heading, IReadOnlyList<string>? problems = null) : Exception(heading)
{
    /// <summary>Every problem, one per line.</summary>
    public IReadOnlyList<string> Problems { get; } = problems ?? [];
}

/// <summary>
/// Runs the body of a resource command with a client, and turns failures into messages and exit codes:
/// usage errors 2, a Status from the server 1 (its message then one cause per line), an unreachable API 1.
/// </summary>
internal static class ResourceRun
{
    /// <summary>The kinds every resource command knows.</summary>
    public static ResourceKinds Kinds => ResourceKinds.Knative;

    /// <summary>Opens the client the options ask for, runs <paramref name="body"/>, and maps failures to exit codes.</summary>
    public static async Task<int> RunAsync(Terminal terminal, Connection connection, ParseResult parse, CancellationToken cancel,
        Func<IResourceStore, string, Task<int>> body)
    {
        IResourceStore client;
        try
        {
            client = connection.Open(parse, Kinds);
        }
        catch (ArgumentException e)
        {
            terminal.Fail(e.Message, $"see `{CommandPath(parse)} --help`");
            return ExitCode.Usage;
        }

        using (client as IDisposable)
        {
            try
            {
                return await body(client, connection.NamespaceOf(parse)).ConfigureAwait(false);
            }
            catch (UsageException e)
            {
                if (e.Problems.Count > 0) terminal.Fail(e.Message, e.Problems, "nothing was changed");
                else terminal.Fail(e.Message, $"see `{CommandPath(parse)} --help`");
                return ExitCode.Usage;
            }
            catch (ResourceException e)
            {
                PrintStatus(terminal, e.Error);
                return ExitCode.Failure;
            }
            catch (ControlPlaneUnreachableException e)
            {
                terminal.Fail(client is HttpResourceStore
                    ? $"cannot reach {e.Target}: is it running? start it with ./platform up --detach"
                    : $"cannot reach {e.Target}: {e.Detail}",
                    client is HttpResourceStore ? $"({e.Detail})" : "check --kubeconfig/--context");
                return ExitCode.Failure;
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                terminal.Warn("interrupted");
                return ExitCode.Failure;
            }
        }
    }

    /// <summary>The server's message, then each cause on its own line.</summary>
    public static void PrintStatus(Terminal terminal, ResourceError status)
    {
        if (status.Causes is not { Count: > 0 } causes) terminal.Fail(status.Message);
        else terminal.Fail(status.Message, causes.Select(c => c.ToString()));
    }

    /// <summary>The kind a user typed, or a usage error listing the kinds there are.</summary>
    public static ResourceKind ResolveKind(string word) =>
        Kinds.FindByName(word) ?? throw new UsageException($"unknown kind \"{word}\"; known kinds: " +
            string.Join(", ", Kinds.All.Select(k => k.ShortNames is { Count: > 0 } shortNames ? $"{k.Plural} ({string.Join(", ", shortNames)})" : k.Plural)));

    /// <summary><c>platform service create</c> for the parsed command.</summary>
    public static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var c = parse.CommandResult; c is not null; c = c.Parent as System.CommandLine.Parsing.CommandResult)
            names.Add(c.Command.Name);
        names.Reverse();
        if (names.Count > 0) names[0] = "platform";
        return string.Join(' ', names);
    }
}
