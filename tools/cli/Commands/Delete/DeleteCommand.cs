using System.CommandLine;
using Platform.Cli.Client;
using Platform.Cli.Commands.Resources;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Delete;

/// <summary><c>platform delete KIND NAME...</c> or <c>platform delete -f FILE</c>.</summary>
internal static class DeleteCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(Terminal terminal, TextReader? stdin = null)
    {
        var connection = new Connection();
        var kindArgument = new Argument<string?>("kind") { Description = "Kind (services, ksvc, brokers, ...)", Arity = ArgumentArity.ZeroOrOne };
        var names = new Argument<string[]>("name") { Description = "Names", Arity = ArgumentArity.ZeroOrMore };
        var files = new Option<string[]>("--filename", "-f") { HelpName = "FILE|DIR|-", Description = "Delete what these files (folders, - for stdin) describe" };
        var command = connection.AddTo(new Command("delete", "Delete objects by kind and name, or those a manifest describes") { kindArgument, names, files });
        command.SetAction((parse, cancel) => ResourceRun.RunAsync(terminal, connection, parse, cancel, async (client, ns) =>
        {
            var paths = parse.GetValue(files) ?? [];
            var word = parse.GetValue(kindArgument);
            if (paths.Length > 0)
            {
                if (word is not null) throw new UsageException("give either -f FILE or KIND NAME, not both");
                var read = ReadManifests(Manifests.Load(paths, stdin ?? Console.In));
                var failed = false;
                foreach (var r in read)
                {
                    var kind = Platform.Resources.Serialization.ResourceTypes.Knative.KindOf(r.Resource.GetType());
                    var code = await KindVerbs.DeleteAsync(terminal, client, kind, r.Resource.Metadata.Namespace ?? ns, [r.Resource.Metadata.Name ?? ""], cancel).ConfigureAwait(false);
                    failed |= code != ExitCode.Ok;
                }
                return failed ? ExitCode.Failure : ExitCode.Ok;
            }

            if (word is null) throw new UsageException("give KIND NAME... or -f FILE");
            string[] given = parse.GetValue(names) ?? [];
            if (word.IndexOf('/', StringComparison.Ordinal) is var slash and > 0)
                (word, given) = (word[..slash], [word[(slash + 1)..], .. given]);
            var target = ResourceRun.ResolveKind(word);
            if (given.Length == 0) throw new UsageException($"give the name of the {target.Kind} to delete");
            return await KindVerbs.DeleteAsync(terminal, client, target, ns, given, cancel).ConfigureAwait(false);
        }));
        return command;
    }

    private static IReadOnlyList<ManifestResource> ReadManifests(IReadOnlyList<ManifestText> texts)
    {
        var resources = new List<ManifestResource>();
        var problems = new List<string>();
        foreach (var text in texts)
        {
            var read = Platform.Resources.Serialization.ResourceSerializer.Default.Read(text.Text);
            problems.AddRange(read.Errors.Select(e => $"{text.Source}: {e.ToStringWithDocument()}"));
            resources.AddRange(read.Resources.Select(r => new ManifestResource(text.Source, r)));
        }
        if (problems.Count > 0) throw new UsageException($"{problems.Count} problem{(problems.Count == 1 ? "" : "s")} found", problems);
        return resources;
    }
}
