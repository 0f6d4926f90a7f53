using System.CommandLine;
using Platform.Cli.Client;
using Platform.Cli.Commands.Resources;
using Platform.Cli.Output;
using Platform.Resources.Serving;

namespace Platform.Cli.Commands.Domain;

/// <summary><c>platform domain create|update|list|describe|delete</c>: custom domains (Knative DomainMappings), as <c>kn domain</c>.</summary>
internal static class DomainCommand
{
    /// <summary>Builds the command group.</summary>
    public static Command Create(Terminal terminal, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var kind = Platform.Resources.Serialization.ResourceTypes.Knative.KindOf<DomainMapping>();
        var connection = new Connection();
        var group = connection.AddTo(new Command("domain", "Manage custom domains (DomainMappings: a domain name routed to a Service or another addressable)"));

        var name = new Argument<string>("domain") { Description = "The domain, e.g. hello.example.com (the DomainMapping's name)" };
        var target = new Option<string>("--ref") { HelpName = "REF", Description = "What the domain leads to: ksvc:NAME (or a bare NAME), broker:NAME, channel:NAME", Required = true };
        var create = new Command("create", "Map a domain to a Service or another addressable") { name, target };
        var waitFlags = new WaitFlags("DomainMapping");
        waitFlags.AddTo(create);
        create.SetAction((parse, cancel) => ResourceRun.RunAsync(terminal, connection, parse, cancel, async (client, ns) =>
        {
            var mapping = new DomainMapping { Spec = new DomainMappingSpec { Ref = Reference(parse.GetValue(target)!) } };
            mapping.Metadata.Name = parse.GetValue(name);
            mapping.Metadata.Namespace = ns;
            await Created.SendAsync(client, kind, ns, mapping, cancel).ConfigureAwait(false);
            terminal.Line($"Domain mapping '{mapping.Metadata.Name}' created in namespace '{ns}'.");
            return await waitFlags.WaitAsync(parse, terminal, client, kind, ns, mapping.Metadata.Name!, cancel).ConfigureAwait(false);
        }));

        group.Subcommands.Add(create);
        group.Subcommands.Add(KindVerbs.List(terminal, connection, kind, time));
        group.Subcommands.Add(KindVerbs.Describe(terminal, connection, kind, time));
        group.Subcommands.Add(KindVerbs.Delete(terminal, connection, kind));
        return group;
    }

    // kn's --ref syntax is the sink syntax without URLs: a DomainMapping maps to a resource.
    private static Platform.Resources.Duck.KReference Reference(string text) =>
        Sinks.Parse("--ref", text).Ref
        ?? throw new UsageException($"--ref \"{text}\": a domain maps to a resource, not a URL: give ksvc:NAME, broker:NAME or channel:NAME");
}
