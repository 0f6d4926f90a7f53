using System.CommandLine;
using Platform.Cli.Client;
using Platform.Cli.Commands.Resources;
using Platform.Cli.Commands.Service;
using Platform.Cli.Output;
using Platform.Resources.Core;
using Platform.Resources.Sources;

namespace Platform.Cli.Commands.Source;

/// <summary>
/// <c>platform source container create|list|describe|delete</c>: ContainerSources, with kn's flags. Locally the
/// container runs as a process, so it needs <c>--cmd</c>; in Kubernetes <c>--image</c> is enough.
/// </summary>
internal static class ContainerCommand
{
    /// <summary>The name of the template's one container.</summary>
    public const string ContainerName = "source";

    /// <summary>Builds the <c>container</c> group under <c>source</c>.</summary>
    public static Command Create(Terminal terminal, Connection connection, TimeProvider time)
    {
        var kind = Platform.Resources.Serialization.ResourceTypes.Knative.KindOf<ContainerSource>();
        var container = new Command("container", "Manage ContainerSources (a program run with K_SINK set, restarted when it exits)");
        var name = new Argument<string>("name") { Description = "Name of the ContainerSource" };
        var image = new Option<string?>("--image") { HelpName = "IMAGE", Description = "Image of the container (what Kubernetes runs)" };
        var cmd = new Option<string?>("--cmd") { HelpName = "COMMAND", Description = "Program to run (what local mode runs as a process)" };
        var args = new Option<string[]>("--arg") { HelpName = "ARG", Description = "Argument of the program (repeatable)" };
        var env = new Option<string[]>("--env", "-e") { HelpName = "KEY=VALUE", Description = "Environment variable (repeatable)" };
        var workingDir = new Option<string?>("--working-dir") { HelpName = "DIR", Description = "Working directory of the program" };
        var sink = new Option<string>("--sink", "-s") { HelpName = "SINK", Description = "Where events go: ksvc:NAME, broker:NAME, channel:NAME or an http(s) URL", Required = true };
        var overrides = new Option<string[]>("--ce-override") { HelpName = "KEY=VALUE", Description = "CloudEvent extension added to every event (repeatable)" };
        var create = new Command("create", "Create a ContainerSource") { name, image, cmd, args, env, workingDir, sink, overrides };
        var waitFlags = new WaitFlags("ContainerSource");
        waitFlags.AddTo(create);
        create.SetAction((parse, cancel) => ResourceRun.RunAsync(terminal, connection, parse, cancel, async (client, ns) =>
        {
            var source = Build(parse.GetValue(name)!, ns, parse.GetValue(image), parse.GetValue(cmd), parse.GetValue(args) ?? [], parse.GetValue(env) ?? [],
                parse.GetValue(workingDir), Sinks.Parse("--sink", parse.GetValue(sink)!), parse.GetValue(overrides));
            await Created.SendAsync(client, kind, ns, source, cancel).ConfigureAwait(false);
            terminal.Line($"Container source '{source.Metadata.Name}' created in namespace '{ns}'.");
            return await waitFlags.WaitAsync(parse, terminal, client, kind, ns, source.Metadata.Name!, cancel).ConfigureAwait(false);
        }));
        container.Subcommands.Add(create);
        container.Subcommands.Add(KindVerbs.List(terminal, connection, kind, time));
        container.Subcommands.Add(KindVerbs.Describe(terminal, connection, kind, time));
        container.Subcommands.Add(KindVerbs.Delete(terminal, connection, kind));
        return container;
    }

    /// <summary>The ContainerSource the flags describe (pure); a <see cref="UsageException"/> without an image or a command.</summary>
    internal static ContainerSource Build(string name, string ns, string? image, string? cmd, IReadOnlyList<string> args, IReadOnlyList<string> env, string? workingDir,
        Platform.Resources.Duck.Destination sink, string[]? overrides)
    {
        if (image is null && cmd is null) throw new UsageException("give --image IMAGE or --cmd COMMAND (local mode runs the command as a process)");
        var variables = KeyValues.Parse("--env", env, allowRemove: false).Set;
        var source = new ContainerSource();
        source.Metadata.Name = name;
        source.Metadata.Namespace = ns;
        source.Spec.Sink = sink;
        source.Spec.CeOverrides = BindingCommand.CeOverrides(overrides);
        source.Spec.Template = new PodTemplateSpec
        {
            Spec = new PodSpec
            {
                Containers =
                [
                    new Container
                    {
                        Name = ContainerName,
                        Image = image,
                        // A relative path to an existing file becomes absolute: the process starts in another directory.
                        Command = cmd is null ? null : [ServiceFlags.LocalPath(cmd)],
                        Args = args.Count == 0 ? null : [.. args.Select(a => ServiceFlags.LocalPath(a))],
                        Env = variables.Count == 0 ? null : [.. variables.Select(p => new EnvVar { Name = p.Key, Value = p.Value })],
                        WorkingDir = workingDir is null ? null : Path.GetFullPath(workingDir),
                    },
                ],
            },
        };
        return source;
    }
}
