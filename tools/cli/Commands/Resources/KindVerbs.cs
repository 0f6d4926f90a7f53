using System.CommandLine;
using System.Text.Json.Nodes;
using Platform.Cli.Client;
using Platform.Cli.Output;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;

namespace Platform.Cli.Commands.Resources;

/// <summary>The verbs every kind shares (list, describe, delete), as subcommands and as reusable bodies.</summary>
internal static class KindVerbs
{
    /// <summary><c>list</c> (alias <c>ls</c>) with <c>-A</c> and <c>-o</c>.</summary>
    public static Command List(Terminal terminal, Connection connection, ResourceKind kind, TimeProvider time)
    {
        var all = AllNamespacesOption();
        var output = ResourceOutput.Option();
        var command = new Command("list", $"List {kind.Kind} objects") { all, output };
        command.Aliases.Add("ls");
        command.SetAction((parse, cancel) => ResourceRun.RunAsync(terminal, connection, parse, cancel, (client, ns) =>
            ListAsync(terminal, client, kind, parse.GetValue(all) ? null : ns, null, parse.GetValue(output), time, cancel)));
        return command;
    }

    /// <summary><c>describe NAME</c> with <c>-o yaml|json</c>.</summary>
    public static Command Describe(Terminal terminal, Connection connection, ResourceKind kind, TimeProvider time,
        Func<IResourceStore, JsonObject, CancellationToken, Task<string>>? more = null)
    {
        var name = new Argument<string>("name") { Description = $"Name of the {kind.Kind}" };
        var output = ResourceOutput.Option();
        var command = new Command("describe", $"Show the details of a {kind.Kind}") { name, output };
        command.SetAction((parse, cancel) => ResourceRun.RunAsync(terminal, connection, parse, cancel, (client, ns) =>
            DescribeAsync(terminal, client, kind, ns, parse.GetValue(name)!, parse.GetValue(output), time, cancel, more)));
        return command;
    }

    /// <summary><c>delete NAME...</c> (alias <c>rm</c>).</summary>
    public static Command Delete(Terminal terminal, Connection connection, ResourceKind kind)
    {
        var names = new Argument<string[]>("name") { Description = $"Names of the {kind.Kind} objects", Arity = ArgumentArity.OneOrMore };
        var command = new Command("delete", $"Delete {kind.Kind} objects") { names };
        command.Aliases.Add("rm");
        command.SetAction((parse, cancel) => ResourceRun.RunAsync(terminal, connection, parse, cancel, (client, ns) =>
            DeleteAsync(terminal, client, kind, ns, parse.GetValue(names)!, cancel)));
        return command;
    }

    /// <summary><c>-A/--all-namespaces</c>.</summary>
    public static Option<bool> AllNamespacesOption() => new("--all-namespaces", "-A") { Description = "List across every namespace" };

    /// <summary>Lists (or gets one, when <paramref name="name"/> is given) and prints.</summary>
    public static async Task<int> ListAsync(Terminal terminal, IResourceStore client, ResourceKind kind, string? ns, string? name, string? format, TimeProvider time, CancellationToken cancel)
    {
        IReadOnlyList<JsonObject> objects = name is null
            ? await client.ListItemsAsync(kind, ns, cancel).ConfigureAwait(false)
            : [await client.GetRequiredAsync(kind, ns ?? "default", name, cancel).ConfigureAwait(false)];
        var sorted = objects.OrderBy(o => o.StringAt("metadata.namespace"), StringComparer.Ordinal).ThenBy(o => o.StringAt("metadata.name"), StringComparer.Ordinal).ToList();
        ResourceOutput.Print(terminal, kind, sorted, format, ns is null, name is not null, time);
        return ExitCode.Ok;
    }

    /// <summary>Gets one object and prints it as kn's describe (or YAML/JSON).</summary>
    public static async Task<int> DescribeAsync(Terminal terminal, IResourceStore client, ResourceKind kind, string ns, string name, string? format, TimeProvider time, CancellationToken cancel,
        Func<IResourceStore, JsonObject, CancellationToken, Task<string>>? more = null)
    {
        var obj = await client.GetRequiredAsync(kind, ns, name, cancel).ConfigureAwait(false);
        if (format is "yaml" or "json" or "name")
            ResourceOutput.Print(terminal, kind, [obj], format, false, true, time);
        else
        {
            terminal.Out.Write(Describer.Describe(kind, obj, time.GetUtcNow()));
            if (more is not null) terminal.Out.Write(await more(client, obj, cancel).ConfigureAwait(false));
        }
        return ExitCode.Ok;
    }

    /// <summary>Deletes each name; reports every one that failed and returns 1 if any did.</summary>
    public static async Task<int> DeleteAsync(Terminal terminal, IResourceStore client, ResourceKind kind, string ns, IReadOnlyList<string> names, CancellationToken cancel)
    {
        var failed = false;
        foreach (var name in names)
        {
            try
            {
                await client.DeleteRequiredAsync(kind, ns, name, cancel).ConfigureAwait(false);
                terminal.Line($"{kind.Kind} '{name}' successfully deleted in namespace '{ns}'.");
            }
            catch (ResourceException e)
            {
                ResourceRun.PrintStatus(terminal, e.Error);
                failed = true;
            }
        }
        return failed ? ExitCode.Failure : ExitCode.Ok;
    }
}
