using System.CommandLine;
using Platform.Cli.Client;
using Platform.Cli.Commands.Resources;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Revision;

/// <summary><c>platform revision list|describe|delete</c>.</summary>
internal static class RevisionCommand
{
    /// <summary>Builds the command group.</summary>
    public static Command Create(Terminal terminal, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var kind = Platform.Resources.Serialization.ResourceTypes.Knative.KindOf<Platform.Resources.Serving.Revision>();
        var connection = new Connection();
        var group = connection.AddTo(new Command("revision", "Manage revisions (immutable snapshots of a Service)"));
        group.Aliases.Add("rev");

        var service = new Option<string?>("--service", "-s") { HelpName = "SERVICE", Description = "Only the revisions of this Service" };
        var all = KindVerbs.AllNamespacesOption();
        var output = ResourceOutput.Option();
        var list = new Command("list", "List revisions") { service, all, output };
        list.Aliases.Add("ls");
        list.SetAction((parse, cancel) => ResourceRun.RunAsync(terminal, connection, parse, cancel, async (client, ns) =>
        {
            var objects = await client.ListItemsAsync(kind, parse.GetValue(all) ? null : ns, cancel).ConfigureAwait(false);
            if (parse.GetValue(service) is { } owner)
                objects = [.. objects.Where(o => o.At("metadata.labels")?["serving.knative.dev/service"]?.ToString() == owner)];
            var sorted = objects.OrderBy(o => o.StringAt("metadata.namespace"), StringComparer.Ordinal)
                .ThenByDescending(o => o.At("metadata.labels")?["serving.knative.dev/configurationGeneration"]?.ToString()?.PadLeft(10, '0'), StringComparer.Ordinal)
                .ThenBy(o => o.StringAt("metadata.name"), StringComparer.Ordinal).ToList();
            ResourceOutput.Print(terminal, kind, sorted, parse.GetValue(output), parse.GetValue(all), false, time);
            return ExitCode.Ok;
        }));

        group.Subcommands.Add(list);
        group.Subcommands.Add(KindVerbs.Describe(terminal, connection, kind, time));
        group.Subcommands.Add(KindVerbs.Delete(terminal, connection, kind));
        return group;
    }
}
