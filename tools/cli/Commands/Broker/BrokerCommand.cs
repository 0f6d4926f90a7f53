using System.CommandLine;
using Platform.Cli.Client;
using Platform.Cli.Commands.Resources;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Broker;

/// <summary><c>platform broker create|list|describe|delete</c>.</summary>
internal static class BrokerCommand
{
    /// <summary>Builds the command group.</summary>
    public static Command Create(Terminal terminal, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var kind = Platform.Resources.Serialization.ResourceTypes.Knative.KindOf<Platform.Resources.Eventing.Broker>();
        var connection = new Connection();
        var group = connection.AddTo(new Command("broker", "Manage brokers (event meshes that triggers subscribe to)"));

        var name = new Argument<string>("name") { Description = "Name of the Broker" };
        var brokerClass = new Option<string?>("--class") { HelpName = "CLASS", Description = $"Broker class (annotation {Platform.Resources.Eventing.Broker.ClassAnnotation}; default {Platform.Resources.Eventing.Broker.DefaultClass})" };
        var deadLetter = new Option<string?>("--dl-sink") { HelpName = "SINK", Description = "Dead-letter sink of the broker's default delivery (ksvc:NAME, broker:NAME, URL, ...)" };
        var create = new Command("create", "Create a Broker") { name, brokerClass, deadLetter };
        var waitFlags = new WaitFlags("Broker");
        waitFlags.AddTo(create);
        create.SetAction((parse, cancel) => ResourceRun.RunAsync(terminal, connection, parse, cancel, async (client, ns) =>
        {
            var broker = new Platform.Resources.Eventing.Broker();
            broker.Metadata.Name = parse.GetValue(name);
            broker.Metadata.Namespace = ns;
            if (parse.GetValue(brokerClass) is { } c) broker.Metadata.Annotations = new() { [Platform.Resources.Eventing.Broker.ClassAnnotation] = c };
            if (Sinks.ParseOptional("--dl-sink", parse.GetValue(deadLetter)) is { } dls) broker.Spec.Delivery = new() { DeadLetterSink = dls };
            await Created.SendAsync(client, kind, ns, broker, cancel).ConfigureAwait(false);
            terminal.Line($"Broker '{broker.Metadata.Name}' successfully created in namespace '{ns}'.");
            return await waitFlags.WaitAsync(parse, terminal, client, kind, ns, broker.Metadata.Name!, cancel).ConfigureAwait(false);
        }));

        group.Subcommands.Add(create);
        group.Subcommands.Add(KindVerbs.List(terminal, connection, kind, time));
        group.Subcommands.Add(KindVerbs.Describe(terminal, connection, kind, time));
        group.Subcommands.Add(KindVerbs.Delete(terminal, connection, kind));
        return group;
    }
}
