using System.CommandLine;
using Platform.Cli.Client;
using Platform.Cli.Commands.Resources;
using Platform.Cli.Output;
using Platform.Resources.Core;
using Platform.Resources.Duck;
using Platform.Resources.Sources;

namespace Platform.Cli.Commands.Source;

/// <summary>The flags of <c>source apiserver create|update</c>, as values; null or empty means "not given".</summary>
/// <param name="Resources"><c>--resource apiVersion:kind[:labelSelector]</c> values; on update <c>apiVersion:kind-</c> removes one.</param>
/// <param name="Mode"><c>--mode</c>.</param>
/// <param name="ServiceAccount"><c>--service-account</c>.</param>
/// <param name="Sink"><c>--sink</c>.</param>
/// <param name="Overrides"><c>--ce-override</c>.</param>
internal sealed record ApiServerSourceFlags(IReadOnlyList<string> Resources, string? Mode, string? ServiceAccount, Destination? Sink, KeyValues Overrides)
{
    /// <summary>True when no flag changes anything.</summary>
    public bool IsEmpty => Resources.Count == 0 && Mode is null && ServiceAccount is null && Sink is null && Overrides.IsEmpty;

    /// <summary>
    /// Writes the given flags into <paramref name="spec"/> (pure): a <c>--resource</c> replaces the entry of the same
    /// apiVersion and kind or adds one; <paramref name="allowRemove"/> accepts <c>apiVersion:kind-</c>.
    /// Throws a <see cref="UsageException"/> naming the flag and the value.
    /// </summary>
    public void ApplyTo(ApiServerSourceSpec spec, bool allowRemove)
    {
        foreach (var value in Resources)
        {
            var remove = allowRemove && value.EndsWith('-');
            var resource = ParseResource(remove ? value[..^1] : value, allowSelector: !remove);
            var list = spec.Resources ?? [];
            var at = list.FindIndex(r => r.ApiVersion == resource.ApiVersion && r.Kind == resource.Kind);
            if (remove)
            {
                if (at < 0) throw new UsageException($"--resource \"{value}\": the source has no resource {resource.ApiVersion}:{resource.Kind} to remove");
                list.RemoveAt(at);
            }
            else if (at >= 0) list[at] = resource;
            else list.Add(resource);
            spec.Resources = list;
        }
        if (Mode is not null) spec.Mode = ParseMode(Mode);
        if (ServiceAccount is not null) spec.ServiceAccountName = ServiceAccount.Length == 0 ? null : ServiceAccount;
        if (Sink is not null) spec.Sink = Sink;
        SourceSpecEdit.ApplyOverrides(spec, Overrides);
    }

    /// <summary>
    /// <c>apiVersion:kind[:labelSelector]</c>: <c>v1:Event</c>, <c>serving.knative.dev/v1:Service:app=shop,tier=web</c>.
    /// The selector is a comma-separated list of <c>key=value</c> (matchLabels).
    /// </summary>
    public static ApiServerResource ParseResource(string value, bool allowSelector = true)
    {
        var parts = value.Split(':', 3);
        if (parts.Length < 2 || parts[0].Trim().Length == 0 || parts[1].Trim().Length == 0)
            throw new UsageException($"--resource \"{value}\": expected APIVERSION:KIND[:LABEL=VALUE,...], e.g. v1:Event or serving.knative.dev/v1:Service:app=shop");
        var resource = new ApiServerResource { ApiVersion = parts[0].Trim(), Kind = parts[1].Trim() };
        if (parts.Length == 3)
        {
            if (!allowSelector) throw new UsageException($"--resource \"{value}-\": give only APIVERSION:KIND- to remove a resource");
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in parts[2].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0 || pair.Contains("!=", StringComparison.Ordinal))
                    throw new UsageException($"--resource \"{value}\": the label selector \"{parts[2]}\" must be KEY=VALUE pairs separated by commas");
                labels[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
            }
            if (labels.Count > 0) resource.Selector = new LabelSelector { MatchLabels = labels };
        }
        return resource;
    }

    /// <summary>Reference or Resource, in any case; a <see cref="UsageException"/> otherwise.</summary>
    public static string ParseMode(string value) => value.Trim().ToLowerInvariant() switch
    {
        "reference" or "ref" => "Reference",
        "resource" => "Resource",
        _ => throw new UsageException($"--mode \"{value}\": must be Reference (events carry a reference to the object) or Resource (events carry the whole object)"),
    };
}

/// <summary><c>platform source apiserver create|update|list|describe|delete</c>, with kn's flags.</summary>
internal static class ApiServerSourceCommands
{
    private static Platform.ControlPlane.Kinds.ResourceKind Kind => Platform.Resources.Serialization.ResourceTypes.Knative.KindOf<ApiServerSource>();

    /// <summary>Builds <c>apiserver</c> and its verbs.</summary>
    public static Command Create(Terminal terminal, Connection connection, TimeProvider time)
    {
        var apiserver = new Command("apiserver", "Manage ApiServerSources (events when API objects are added, updated or deleted)");
        apiserver.Subcommands.Add(Write(terminal, connection, creating: true));
        apiserver.Subcommands.Add(Write(terminal, connection, creating: false));
        apiserver.Subcommands.Add(KindVerbs.List(terminal, connection, Kind, time));
        apiserver.Subcommands.Add(KindVerbs.Describe(terminal, connection, Kind, time));
        apiserver.Subcommands.Add(KindVerbs.Delete(terminal, connection, Kind));
        return apiserver;
    }

    private static Command Write(Terminal terminal, Connection connection, bool creating)
    {
        var name = new Argument<string>("name") { Description = "Name of the ApiServerSource" };
        var resource = new Option<string[]>("--resource")
        {
            HelpName = "APIVERSION:KIND[:SELECTOR]",
            Description = "Objects to watch, e.g. serving.knative.dev/v1:Service or v1:Event:app=shop (SELECTOR: KEY=VALUE,...)" +
                (creating ? "" : "; APIVERSION:KIND- removes one") + "; repeatable",
            Required = creating,
        };
        var mode = new Option<string?>("--mode") { HelpName = "MODE", Description = "Reference (events carry a reference, the default) or Resource (events carry the object)" };
        var serviceAccount = new Option<string?>("--service-account") { HelpName = "NAME", Description = "Service account whose permissions the watch uses (Kubernetes mode)" };
        var sink = new Option<string?>("--sink", "-s") { HelpName = "SINK", Description = "Where events go: ksvc:NAME, broker:NAME, channel:NAME or an http(s) URL", Required = creating };
        var overrides = new Option<string[]>("--ce-override") { HelpName = "KEY=VALUE", Description = "CloudEvent extension added to every event (KEY- removes it); repeatable" };
        var command = new Command(creating ? "create" : "update", creating ? "Create an ApiServerSource" : "Update an ApiServerSource (only the flags given change)")
        {
            name, resource, mode, serviceAccount, sink, overrides,
        };
        var waitFlags = new WaitFlags("ApiServerSource");
        waitFlags.AddTo(command);
        command.SetAction((parse, cancel) => ResourceRun.RunAsync(terminal, connection, parse, cancel, async (client, ns) =>
        {
            var sourceName = parse.GetValue(name)!;
            var flags = new ApiServerSourceFlags(parse.GetValue(resource) ?? [], parse.GetValue(mode), parse.GetValue(serviceAccount),
                Sinks.ParseOptional("--sink", parse.GetValue(sink)), KeyValues.Parse("--ce-override", parse.GetValue(overrides)));
            if (creating)
            {
                var source = new ApiServerSource();
                source.Metadata.Name = sourceName;
                source.Metadata.Namespace = ns;
                flags.ApplyTo(source.Spec, allowRemove: false);
                await Created.SendAsync(client, Kind, ns, source, cancel).ConfigureAwait(false);
                terminal.Line($"ApiServer source '{sourceName}' created in namespace '{ns}'.");
            }
            else
            {
                if (flags.IsEmpty) throw new UsageException("nothing to update: give at least one flag (see --help)");
                await SourceSpecEdit.UpdateAsync<ApiServerSourceSpec>(client, Kind, ns, sourceName, spec => flags.ApplyTo(spec, allowRemove: true),
                    spec => new ApiServerSource { Spec = spec }, cancel).ConfigureAwait(false);
                terminal.Line($"ApiServer source '{sourceName}' updated in namespace '{ns}'.");
            }
            return await waitFlags.WaitAsync(parse, terminal, client, Kind, ns, sourceName, cancel).ConfigureAwait(false);
        }));
        return command;
    }
}
