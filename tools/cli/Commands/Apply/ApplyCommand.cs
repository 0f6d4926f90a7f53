using System.CommandLine;
using Platform.Cli.Client;
using Platform.Cli.Commands.Resources;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Apply;

/// <summary>
/// <c>platform apply -f FILE|DIR|-</c>: checks every document with the model first (every error, nothing sent),
/// then sends all of them to the API's all-or-nothing apply.
/// </summary>
internal static class ApplyCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(Terminal terminal, TextReader? stdin = null)
    {
        var connection = new Connection();
        var files = new Option<string[]>("--filename", "-f")
        {
            HelpName = "FILE|DIR|-",
            Description = "File, folder (its *.yaml, *.yml, *.json) or - for stdin; repeatable",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var output = ResourceOutput.Option();
        var command = connection.AddTo(new Command("apply", "Create or update resources from Knative YAML/JSON, all or nothing") { files, output });
        command.SetAction((parse, cancel) => ResourceRun.RunAsync(terminal, connection, parse, cancel, async (client, ns) =>
        {
            var (resources, problems) = Manifests.Check(Manifests.Load(parse.GetValue(files)!, stdin ?? Console.In), ns);
            if (problems.Count > 0)
            {
                terminal.Fail($"{problems.Count} problem{(problems.Count == 1 ? "" : "s")} found", problems, "nothing was applied");
                return ExitCode.Usage;
            }

            var applied = await client.ApplyAsync([.. resources.Select(r => r.ToNode())], ns, cancel).ConfigureAwait(false);
            var format = parse.GetValue(output);
            if (format is "yaml" or "json")
            {
                foreach (var group in applied.GroupBy(a => (a.Object.StringAt("apiVersion"), a.Object.StringAt("kind"))))
                {
                    var kind = ResourceRun.Kinds.FindByKind(group.Key.Item1 ?? "", group.Key.Item2 ?? "");
                    if (kind is not null) ResourceOutput.Print(terminal, kind, [.. group.Select(a => a.Object)], format, false, applied.Count == 1, TimeProvider.System);
                }
                return ExitCode.Ok;
            }

            foreach (var a in applied)
            {
                var kind = ResourceRun.Kinds.FindByKind(a.Object.StringAt("apiVersion") ?? "", a.Object.StringAt("kind") ?? "");
                var what = kind is null ? a.Object.StringAt("kind")?.ToLowerInvariant() : $"{kind.Singular}.{kind.Group}";
                terminal.Line($"{what}/{a.Object.StringAt("metadata.name")} {a.Action}");
            }
            return ExitCode.Ok;
        }));
        return command;
    }
}
