using System.CommandLine;
using Platform.Cli.Client;
using Platform.Cli.Commands.Resources;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Trigger;

/// <summary><c>platform trigger create|list|describe|delete</c>.</summary>
internal static class TriggerCommand
{
    /// <summary>Builds the command group.</summary>
    public static Command Create(Terminal terminal, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var kind = Platform.Resources.Serialization.ResourceTypes.Knative.KindOf<Platform.Resources.Eventing.Trigger>();
        var connection = new Connection();
        var group = connection.AddTo(new Command("trigger", "Manage triggers (a broker's filtered subscriptions)"));

        var name = new Argument<string>("name") { Description = "Name of the Trigger" };
        var broker = new Option<string>("--broker") { HelpName = "BROKER", Description = "Broker the trigger subscribes to", DefaultValueFactory = _ => "default" };
        var filter = new Option<string[]>("--filter") { HelpName = "KEY=VALUE", Description = "Exact attribute filter KEY=VALUE (type=dev.example.order); repeatable" };
        var sink = new Option<string>("--sink", "-s") { HelpName = "SINK", Description = "Where matching events go: ksvc:NAME, broker:NAME, channel:NAME or an http(s) URL", Required = true };
        var create = new Command("create", "Create a Trigger") { name, broker, filter, sink };
        var waitFlags = new WaitFlags("Trigger");
        waitFlags.AddTo(create);
        create.SetAction((parse, cancel) => ResourceRun.RunAsync(terminal, connection, parse, cancel, async (client, ns) =>
        {
            var trigger = new Platform.Resources.Eventing.Trigger();
            trigger.Metadata.Name = parse.GetValue(name);
            trigger.Metadata.Namespace = ns;
            trigger.Spec.Broker = parse.GetValue(broker);
            var filters = KeyValues.Parse("--filter", parse.GetValue(filter), allowRemove: false);
            if (!filters.IsEmpty) trigger.Spec.Filter = new() { Attributes = filters.ApplyTo(null) };
            trigger.Spec.Subscriber = Sinks.Parse("--sink", parse.GetValue(sink)!);
            await Created.SendAsync(client, kind, ns, trigger, cancel).ConfigureAwait(false);
            terminal.Line($"Trigger '{trigger.Metadata.Name}' successfully created in namespace '{ns}'.");
            return await waitFlags.WaitAsync(parse, terminal, client, kind, ns, trigger.Metadata.Name!, cancel).ConfigureAwait(false);
        }));

        group.Subcommands.Add(create);
        group.Subcommands.Add(KindVerbs.List(terminal, connection, kind, time));
        group.Subcommands.Add(KindVerbs.Describe(terminal, connection, kind, time, TriggerStats.DescribeAsync));
        group.Subcommands.Add(KindVerbs.Delete(terminal, connection, kind));
        return group;
    }
}
