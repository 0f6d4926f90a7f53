using System.CommandLine;
using Platform.Cli.Client;
using Platform.Cli.Commands.Resources;
using Platform.Cli.Output;
using Platform.Resources.Sources;

namespace Platform.Cli.Commands.Source;

/// <summary><c>platform source ping create|list|describe|delete</c> (and <c>source list</c> of every source kind).</summary>
internal static class SourceCommand
{
    /// <summary>Builds the command group.</summary>
    public static Command Create(Terminal terminal, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var connection = new Connection();
        var group = connection.AddTo(new Command("source", "Manage event sources"));
        var kind = Platform.Resources.Serialization.ResourceTypes.Knative.KindOf<PingSource>();

        var ping = new Command("ping", "Manage PingSources (events on a cron schedule)");
        var name = new Argument<string>("name") { Description = "Name of the PingSource" };
        var schedule = new Option<string>("--schedule") { HelpName = "CRON", Description = "Cron schedule, e.g. \"*/2 * * * *\"", Required = true };
        var data = new Option<string?>("--data", "-d") { HelpName = "DATA", Description = "Event data (text); prefix with base64: for binary data given in base64" };
        var contentType = new Option<string?>("--encoding", "--content-type") { HelpName = "TYPE", Description = "Content type of the data (e.g. application/json)" };
        var timezone = new Option<string?>("--timezone") { HelpName = "ZONE", Description = "Time zone of the schedule, e.g. Europe/Paris" };
        var sink = new Option<string>("--sink", "-s") { HelpName = "SINK", Description = "Where events go: ksvc:NAME, broker:NAME, channel:NAME or an http(s) URL", Required = true };
        var create = new Command("create", "Create a PingSource") { name, schedule, data, contentType, timezone, sink };
        create.SetAction((parse, cancel) => ResourceRun.RunAsync(terminal, connection, parse, cancel, async (client, ns) =>
        {
            var source = new PingSource();
            source.Metadata.Name = parse.GetValue(name);
            source.Metadata.Namespace = ns;
            source.Spec.Schedule = parse.GetValue(schedule);
            source.Spec.Timezone = parse.GetValue(timezone);
            source.Spec.ContentType = parse.GetValue(contentType);
            if (parse.GetValue(data) is { } d)
            {
                if (d.StartsWith("base64:", StringComparison.Ordinal)) source.Spec.DataBase64 = d["base64:".Length..];
                else source.Spec.Data = d;
            }
            source.Spec.Sink = Sinks.Parse("--sink", parse.GetValue(sink)!);
            await Created.SendAsync(client, kind, ns, source, cancel).ConfigureAwait(false);
            terminal.Line($"Ping source '{source.Metadata.Name}' created in namespace '{ns}'.");
            return ExitCode.Ok;
        }));
        ping.Subcommands.Add(create);
        ping.Subcommands.Add(KindVerbs.List(terminal, connection, kind, time));
        ping.Subcommands.Add(KindVerbs.Describe(terminal, connection, kind, time));
        ping.Subcommands.Add(KindVerbs.Delete(terminal, connection, kind));
        group.Subcommands.Add(ping);
        return group;
    }
}
