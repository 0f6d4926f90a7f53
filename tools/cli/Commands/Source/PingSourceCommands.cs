using System.CommandLine;
using Platform.Cli.Client;
using Platform.Cli.Commands.Resources;
using Platform.Cli.Output;
using Platform.Resources.Duck;
using Platform.Resources.Sources;

namespace Platform.Cli.Commands.Source;

/// <summary>The flags of <c>source ping create|update</c>, as values; null or empty means "not given".</summary>
/// <param name="Schedule"><c>--schedule</c>.</param>
/// <param name="Data"><c>--data</c>; <c>base64:</c> prefix for binary data given in base64.</param>
/// <param name="ContentType"><c>--encoding</c>/<c>--content-type</c>.</param>
/// <param name="Timezone"><c>--timezone</c>.</param>
/// <param name="Sink"><c>--sink</c>.</param>
/// <param name="Overrides"><c>--ce-override</c>.</param>
internal sealed record PingSourceFlags(string? Schedule, string? Data, string? ContentType, string? Timezone, Destination? Sink, KeyValues Overrides)
{
    /// <summary>True when no flag changes anything (an update with nothing to do).</summary>
    public bool IsEmpty => Schedule is null && Data is null && ContentType is null && Timezone is null && Sink is null && Overrides.IsEmpty;

    /// <summary>Writes the given flags into <paramref name="spec"/>; the others keep their value (pure).</summary>
    public void ApplyTo(PingSourceSpec spec)
    {
        if (Schedule is not null) spec.Schedule = Schedule;
        if (Timezone is not null) spec.Timezone = Timezone.Length == 0 ? null : Timezone;
        if (ContentType is not null) spec.ContentType = ContentType.Length == 0 ? null : ContentType;
        if (Data is not null)
        {
            // data and dataBase64 exclude each other: setting one clears the other, so an update can switch.
            var base64 = Data.StartsWith("base64:", StringComparison.Ordinal);
            spec.DataBase64 = base64 ? Data["base64:".Length..] : null;
            spec.Data = base64 ? null : Data;
        }
        if (Sink is not null) spec.Sink = Sink;
        SourceSpecEdit.ApplyOverrides(spec, Overrides);
    }
}

/// <summary><c>platform source ping create|update|list|describe|delete</c>, with kn's flags.</summary>
internal static class PingSourceCommands
{
    private static Platform.ControlPlane.Kinds.ResourceKind Kind => Platform.Resources.Serialization.ResourceTypes.Knative.KindOf<PingSource>();

    /// <summary>Builds <c>ping</c> and its verbs.</summary>
    public static Command Create(Terminal terminal, Connection connection, TimeProvider time)
    {
        var ping = new Command("ping", "Manage PingSources (events on a cron schedule)");
        ping.Subcommands.Add(Write(terminal, connection, creating: true));
        ping.Subcommands.Add(Write(terminal, connection, creating: false));
        ping.Subcommands.Add(KindVerbs.List(terminal, connection, Kind, time));
        ping.Subcommands.Add(KindVerbs.Describe(terminal, connection, Kind, time));
        ping.Subcommands.Add(KindVerbs.Delete(terminal, connection, Kind));
        return ping;
    }

    private static Command Write(Terminal terminal, Connection connection, bool creating)
    {
        var name = new Argument<string>("name") { Description = "Name of the PingSource" };
        var schedule = new Option<string?>("--schedule") { HelpName = "CRON", Description = "Cron schedule, 5 fields (\"*/2 * * * *\") or a shortcut (@hourly, @daily, ...)", Required = creating };
        var data = new Option<string?>("--data", "-d") { HelpName = "DATA", Description = "Event data (text); prefix with base64: for binary data given in base64" };
        var contentType = new Option<string?>("--encoding", "--content-type") { HelpName = "TYPE", Description = "Content type of the data (e.g. application/json)" };
        var timezone = new Option<string?>("--timezone") { HelpName = "ZONE", Description = "IANA time zone of the schedule, e.g. Europe/Paris (default UTC)" };
        var sink = new Option<string?>("--sink", "-s") { HelpName = "SINK", Description = "Where events go: ksvc:NAME, broker:NAME, channel:NAME or an http(s) URL", Required = creating };
        var overrides = new Option<string[]>("--ce-override") { HelpName = "KEY=VALUE", Description = "CloudEvent extension added to every event (KEY- removes it); repeatable" };
        var command = new Command(creating ? "create" : "update", creating ? "Create a PingSource" : "Update a PingSource (only the flags given change)")
        {
            name, schedule, data, contentType, timezone, sink, overrides,
        };
        var waitFlags = new WaitFlags("PingSource");
        waitFlags.AddTo(command);
        command.SetAction((parse, cancel) => ResourceRun.RunAsync(terminal, connection, parse, cancel, async (client, ns) =>
        {
            var sourceName = parse.GetValue(name)!;
            var flags = new PingSourceFlags(parse.GetValue(schedule), parse.GetValue(data), parse.GetValue(contentType), parse.GetValue(timezone),
                Sinks.ParseOptional("--sink", parse.GetValue(sink)), KeyValues.Parse("--ce-override", parse.GetValue(overrides)));
            if (creating)
            {
                var source = new PingSource();
                source.Metadata.Name = sourceName;
                source.Metadata.Namespace = ns;
                flags.ApplyTo(source.Spec);
                await Created.SendAsync(client, Kind, ns, source, cancel).ConfigureAwait(false);
                terminal.Line($"Ping source '{sourceName}' created in namespace '{ns}'.");
            }
            else
            {
                if (flags.IsEmpty) throw new UsageException("nothing to update: give at least one flag (see --help)");
                await SourceSpecEdit.UpdateAsync<PingSourceSpec>(client, Kind, ns, sourceName, flags.ApplyTo, spec => new PingSource { Spec = spec }, cancel).ConfigureAwait(false);
                terminal.Line($"Ping source '{sourceName}' updated in namespace '{ns}'.");
            }
            return await waitFlags.WaitAsync(parse, terminal, client, Kind, ns, sourceName, cancel).ConfigureAwait(false);
        }));
        return command;
    }
}
