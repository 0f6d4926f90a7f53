using System.CommandLine;
using Platform.Cli.Client;
using Platform.Cli.Commands.Resources;
using Platform.Cli.Output;
using Platform.Resources.Messaging;

namespace Platform.Cli.Commands.Channel;

/// <summary><c>platform channel create|list|describe|delete</c>.</summary>
internal static class ChannelCommand
{
    /// <summary>Builds the command group.</summary>
    public static Command Create(Terminal terminal, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var kind = Platform.Resources.Serialization.ResourceTypes.Knative.KindOf<Platform.Resources.Messaging.Channel>();
        var connection = new Connection();
        var group = connection.AddTo(new Command("channel", "Manage channels (event forwarding to subscriptions)"));

        var name = new Argument<string>("name") { Description = "Name of the Channel" };
        var type = new Option<string?>("--type") { HelpName = "TYPE", Description = "Channel implementation as GROUP:VERSION:KIND, or imc (messaging.knative.dev:v1:InMemoryChannel)" };
        var create = new Command("create", "Create a Channel") { name, type };
        create.SetAction((parse, cancel) => ResourceRun.RunAsync(terminal, connection, parse, cancel, async (client, ns) =>
        {
            var channel = new Platform.Resources.Messaging.Channel();
            channel.Metadata.Name = parse.GetValue(name);
            channel.Metadata.Namespace = ns;
            if (parse.GetValue(type) is { } t) channel.Spec.ChannelTemplate = Template(t);
            await Created.SendAsync(client, kind, ns, channel, cancel).ConfigureAwait(false);
            terminal.Line($"Channel '{channel.Metadata.Name}' created in namespace '{ns}'.");
            return ExitCode.Ok;
        }));

        group.Subcommands.Add(create);
        group.Subcommands.Add(KindVerbs.List(terminal, connection, kind, time));
        group.Subcommands.Add(KindVerbs.Describe(terminal, connection, kind, time));
        group.Subcommands.Add(KindVerbs.Delete(terminal, connection, kind));
        return group;
    }

    /// <summary>The channel template <c>--type</c> names (kn: <c>group:version:kind</c>, or the alias <c>imc</c>).</summary>
    public static ChannelTemplateSpec Template(string type)
    {
        if (type.Equals("imc", StringComparison.OrdinalIgnoreCase)) return new ChannelTemplateSpec { ApiVersion = MessagingApi.V1, Kind = "InMemoryChannel" };
        var parts = type.Split(':');
        if (parts.Length != 3 || parts.Any(p => p.Length == 0))
            throw new UsageException($"--type \"{type}\": expected GROUP:VERSION:KIND (e.g. messaging.knative.dev:v1:InMemoryChannel) or imc");
        return new ChannelTemplateSpec { ApiVersion = $"{parts[0]}/{parts[1]}", Kind = parts[2] };
    }
}
