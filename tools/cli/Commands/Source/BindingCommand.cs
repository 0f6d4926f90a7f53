using System.CommandLine;
using Platform.Cli.Client;
using Platform.Cli.Commands.Resources;
using Platform.Cli.Output;
using Platform.Resources.Duck;
using Platform.Resources.Sources;

namespace Platform.Cli.Commands.Source;

/// <summary><c>platform source binding create|list|describe|delete</c>: SinkBindings, with kn's flags.</summary>
internal static class BindingCommand
{
    /// <summary>Builds the <c>binding</c> group under <c>source</c>.</summary>
    public static Command Create(Terminal terminal, Connection connection, TimeProvider time)
    {
        var kind = Platform.Resources.Serialization.ResourceTypes.Knative.KindOf<SinkBinding>();
        var binding = new Command("binding", "Manage SinkBindings (K_SINK and K_CE_OVERRIDES injected into a workload)");
        var name = new Argument<string>("name") { Description = "Name of the SinkBinding" };
        var subject = new Option<string>("--subject") { HelpName = "SUBJECT", Description = "What to bind: KIND:APIVERSION:NAME, KIND:APIVERSION:KEY=VALUE[,...] (a label selector), or ksvc:NAME", Required = true };
        var sink = new Option<string>("--sink", "-s") { HelpName = "SINK", Description = "Where events go: ksvc:NAME, broker:NAME, channel:NAME or an http(s) URL", Required = true };
        var overrides = new Option<string[]>("--ce-override") { HelpName = "KEY=VALUE", Description = "CloudEvent extension added to every event (repeatable)" };
        var create = new Command("create", "Create a SinkBinding") { name, subject, sink, overrides };
        var waitFlags = new WaitFlags("SinkBinding");
        waitFlags.AddTo(create);
        create.SetAction((parse, cancel) => ResourceRun.RunAsync(terminal, connection, parse, cancel, async (client, ns) =>
        {
            var source = new SinkBinding();
            source.Metadata.Name = parse.GetValue(name);
            source.Metadata.Namespace = ns;
            source.Spec.Subject = Subjects.Parse("--subject", parse.GetValue(subject)!);
            source.Spec.Sink = Sinks.Parse("--sink", parse.GetValue(sink)!);
            source.Spec.CeOverrides = CeOverrides(parse.GetValue(overrides));
            await Created.SendAsync(client, kind, ns, source, cancel).ConfigureAwait(false);
            terminal.Line($"Sink binding '{source.Metadata.Name}' created in namespace '{ns}'.");
            return await waitFlags.WaitAsync(parse, terminal, client, kind, ns, source.Metadata.Name!, cancel).ConfigureAwait(false);
        }));
        binding.Subcommands.Add(create);
        binding.Subcommands.Add(KindVerbs.List(terminal, connection, kind, time));
        binding.Subcommands.Add(KindVerbs.Describe(terminal, connection, kind, time));
        binding.Subcommands.Add(KindVerbs.Delete(terminal, connection, kind));
        return binding;
    }

    /// <summary><c>--ce-override KEY=VALUE</c> values as the spec's ceOverrides, or null when none were given.</summary>
    internal static CloudEventOverrides? CeOverrides(string[]? values)
    {
        var set = KeyValues.Parse("--ce-override", values, allowRemove: false).Set;
        return set.Count == 0 ? null : new CloudEventOverrides { Extensions = set.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal) };
    }
}
