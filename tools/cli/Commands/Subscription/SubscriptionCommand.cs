using System.CommandLine;
using Platform.Cli.Client;
using Platform.Cli.Commands.Resources;
using Platform.Cli.Output;
using Platform.Resources.Duck;
using Platform.Resources.Messaging;

namespace Platform.Cli.Commands.Subscription;

/// <summary><c>platform subscription create|list|describe|delete</c>.</summary>
internal static class SubscriptionCommand
{
    /// <summary>Builds the command group.</summary>
    public static Command Create(Terminal terminal, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var kind = Platform.Resources.Serialization.ResourceTypes.Knative.KindOf<Platform.Resources.Messaging.Subscription>();
        var connection = new Connection();
        var group = connection.AddTo(new Command("subscription", "Manage subscriptions (a channel's subscribers)"));
        group.Aliases.Add("sub");

        var name = new Argument<string>("name") { Description = "Name of the Subscription" };
        var channel = new Option<string>("--channel") { HelpName = "CHANNEL", Description = "Channel to subscribe to: NAME (a Channel) or imc:NAME (an InMemoryChannel)", Required = true };
        var sink = new Option<string?>("--sink", "-s") { HelpName = "SINK", Description = "Subscriber: ksvc:NAME, broker:NAME, channel:NAME or an http(s) URL" };
        var reply = new Option<string?>("--sink-reply") { HelpName = "SINK", Description = "Where the subscriber's replies go" };
        var deadLetter = new Option<string?>("--sink-dead-letter") { HelpName = "SINK", Description = "Where events go after delivery failed" };
        var create = new Command("create", "Create a Subscription") { name, channel, sink, reply, deadLetter };
        create.SetAction((parse, cancel) => ResourceRun.RunAsync(terminal, connection, parse, cancel, async (client, ns) =>
        {
            var subscription = new Platform.Resources.Messaging.Subscription();
            subscription.Metadata.Name = parse.GetValue(name);
            subscription.Metadata.Namespace = ns;
            subscription.Spec.Channel = ChannelRef(parse.GetValue(channel)!);
            subscription.Spec.Subscriber = Sinks.ParseOptional("--sink", parse.GetValue(sink));
            subscription.Spec.Reply = Sinks.ParseOptional("--sink-reply", parse.GetValue(reply));
            if (Sinks.ParseOptional("--sink-dead-letter", parse.GetValue(deadLetter)) is { } dls) subscription.Spec.Delivery = new DeliverySpec { DeadLetterSink = dls };
            await Created.SendAsync(client, kind, ns, subscription, cancel).ConfigureAwait(false);
            terminal.Line($"Subscription '{subscription.Metadata.Name}' created in namespace '{ns}'.");
            return ExitCode.Ok;
        }));

        group.Subcommands.Add(create);
        group.Subcommands.Add(KindVerbs.List(terminal, connection, kind, time));
        group.Subcommands.Add(KindVerbs.Describe(terminal, connection, kind, time));
        group.Subcommands.Add(KindVerbs.Delete(terminal, connection, kind));
        return group;
    }

    /// <summary>The channel <c>--channel</c> names.</summary>
    public static KReference ChannelRef(string text)
    {
        var parts = text.Split(':');
        return parts switch
        {
            [var n] when n.Length > 0 => new KReference { ApiVersion = MessagingApi.V1, Kind = "Channel", Name = n },
            ["channel", var n] when n.Length > 0 => new KReference { ApiVersion = MessagingApi.V1, Kind = "Channel", Name = n },
            ["imc", var n] when n.Length > 0 => new KReference { ApiVersion = MessagingApi.V1, Kind = "InMemoryChannel", Name = n },
            _ => throw new UsageException($"--channel \"{text}\": expected NAME, channel:NAME or imc:NAME"),
        };
    }
}
