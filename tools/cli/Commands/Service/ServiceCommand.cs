using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Cli.Client;
using Platform.Cli.Commands.Resources;
using Platform.Cli.Output;
using Platform.ControlPlane.Http;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.Resources.Serialization;
using Platform.Resources.Serving;

namespace Platform.Cli.Commands.Service;

/// <summary><c>platform service create|update|list|describe|delete|logs</c>, with kn's flags.</summary>
internal static class ServiceCommand
{
    private static ResourceKind Kind => Platform.Resources.Serialization.ResourceTypes.Knative.KindOf<Platform.Resources.Serving.Service>();

    /// <summary>Builds the command group.</summary>
    public static Command Create(Terminal terminal, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var connection = new Connection();
        var group = connection.AddTo(new Command("service", "Manage Knative Services (ksvc)"));
        group.Aliases.Add("ksvc");
        group.Subcommands.Add(Write(terminal, connection, creating: true));
        group.Subcommands.Add(Write(terminal, connection, creating: false));
        group.Subcommands.Add(KindVerbs.List(terminal, connection, Kind, time));
        group.Subcommands.Add(KindVerbs.Describe(terminal, connection, Kind, time));
        group.Subcommands.Add(KindVerbs.Delete(terminal, connection, Kind));
        group.Subcommands.Add(Logs(terminal, connection));
        return group;
    }

    private static Command Write(Terminal terminal, Connection connection, bool creating)
    {
        var name = new Argument<string>("name") { Description = "Name of the Service" };
        var image = new Option<string?>("--image") { HelpName = "IMAGE", Description = "Container image" };
        var cmd = new Option<string?>("--cmd") { HelpName = "COMMAND", Description = "Command to run (local mode starts it as a process; overrides the image's entrypoint)" };
        var arg = new Option<string[]>("--arg") { HelpName = "ARG", Description = "Argument of the command; repeatable" };
        var env = new Option<string[]>("--env", "-e") { HelpName = "KEY=VALUE", Description = "Environment variable KEY=VALUE (KEY- removes it); repeatable" };
        var port = new Option<int?>("--port", "-p") { HelpName = "PORT", Description = "Port the container listens on (given to it as PORT)" };
        var concurrency = new Option<long?>("--concurrency-limit") { HelpName = "N", Description = "Hard limit of requests in flight per replica (0 = unlimited)" };
        var scaleMin = new Option<int?>("--scale-min") { HelpName = "N", Description = "Minimum number of replicas (autoscaling.knative.dev/min-scale)" };
        var scaleMax = new Option<int?>("--scale-max") { HelpName = "N", Description = "Maximum number of replicas (autoscaling.knative.dev/max-scale)" };
        var annotation = new Option<string[]>("--annotation", "-a") { HelpName = "KEY=VALUE", Description = "Annotation KEY=VALUE on the Service and its revisions (KEY- removes it); repeatable" };
        var revisionName = new Option<string?>("--revision-name") { HelpName = "NAME", Description = "Name of the new revision (prefixed with the service name unless it already is)" };
        var wait = new Option<bool>("--wait") { Description = "Wait until the Service is ready (default)" };
        var noWait = new Option<bool>("--no-wait") { Description = "Return as soon as the Service is accepted" };
        var waitTimeout = new Option<int>("--wait-timeout") { HelpName = "SECONDS", Description = "Seconds to wait for readiness", DefaultValueFactory = _ => 600 };
        var traffic = new Option<string[]>("--traffic") { HelpName = "ID=PERCENT", Description = "Traffic split REVISION|TAG|@latest=PERCENT, comma-separated or repeated; must sum to 100" };
        var tag = new Option<string[]>("--tag") { HelpName = "REV=TAG", Description = "Tag a revision: REVISION|@latest=TAG; repeatable" };
        var untag = new Option<string[]>("--untag") { HelpName = "TAG", Description = "Remove a tag; repeatable" };

        var command = new Command(creating ? "create" : "update", creating ? "Create a Service" : "Update a Service: a new revision for template changes, and traffic")
        {
            name, image, cmd, arg, env, port, concurrency, scaleMin, scaleMax, annotation, revisionName, wait, noWait, waitTimeout,
        };
        if (!creating)
        {
            command.Options.Add(traffic);
            command.Options.Add(tag);
            command.Options.Add(untag);
        }

        command.SetAction((parse, cancel) => ResourceRun.RunAsync(terminal, connection, parse, cancel, async (client, ns) =>
        {
            var serviceName = parse.GetValue(name)!;
            if (parse.GetValue(wait) && parse.GetValue(noWait)) throw new UsageException("--wait and --no-wait cannot be combined");
            var timeoutSeconds = parse.GetValue(waitTimeout);
            if (timeoutSeconds <= 0) throw new UsageException("--wait-timeout: must be a positive number of seconds");
            var flags = new ServiceFlags
            {
                Image = parse.GetValue(image),
                Command = parse.GetValue(cmd),
                Args = parse.GetValue(arg) ?? [],
                Env = KeyValues.Parse("--env", parse.GetValue(env)),
                Port = parse.GetValue(port),
                ConcurrencyLimit = parse.GetValue(concurrency),
                ScaleMin = parse.GetValue(scaleMin),
                ScaleMax = parse.GetValue(scaleMax),
                Annotations = KeyValues.Parse("--annotation", parse.GetValue(annotation)),
                RevisionName = parse.GetValue(revisionName),
            };
            var trafficFlags = new TrafficFlags(parse.GetValue(tag) ?? [], parse.GetValue(untag) ?? [], parse.GetValue(traffic) ?? []);

            JsonObject stored;
            if (creating)
            {
                var spec = new ServiceSpec();
                var annotations = flags.ApplyTo(serviceName, spec, null, creating: true);
                var service = Build(serviceName, ns, annotations, spec);
                Created.Check(service);
                stored = await client.CreateInAsync(Kind, ns, ResourceSerializer.Default.ToNode(service), cancel).ConfigureAwait(false);
            }
            else
            {
                if (flags.IsEmpty && trafficFlags.IsEmpty)
                    throw new UsageException("nothing to update: give at least one flag (see --help)");
                stored = await UpdateAsync(client, ns, serviceName, flags, trafficFlags, cancel).ConfigureAwait(false);
            }

            var verb = creating ? "created" : "updated";
            if (parse.GetValue(noWait))
            {
                terminal.Line($"Service '{serviceName}' {verb} in namespace '{ns}'.");
                return ExitCode.Ok;
            }

            terminal.Progress($"{(creating ? "Creating" : "Updating")} Service '{serviceName}' in namespace '{ns}':");
            var outcome = await ReadyWaiter.WaitAsync(terminal, client, Kind, ns, serviceName, TimeSpan.FromSeconds(timeoutSeconds), cancel).ConfigureAwait(false);
            switch (outcome.State)
            {
                case ReadyState.Ready:
                    var revision = outcome.Object.StringAt("status.latestReadyRevisionName") ?? "";
                    terminal.Line($"Service '{serviceName}' {verb} to latest revision '{revision}' is available at URL:");
                    terminal.Line(outcome.Object.StringAt("status.url") ?? "");
                    return ExitCode.Ok;
                case ReadyState.Failed:
                    terminal.Fail($"Service '{serviceName}' {verb} but is not ready: {outcome.Readiness.Reason}{(outcome.Readiness.Message.Length > 0 ? ": " + outcome.Readiness.Message : "")}",
                        $"see `platform service describe {serviceName} -n {ns}`");
                    return ExitCode.Failure;
                default:
                    terminal.Fail($"timeout: Service '{serviceName}' {verb} but not ready after {timeoutSeconds.ToString(CultureInfo.InvariantCulture)} seconds" +
                        (outcome.Readiness.Reason.Length > 0 ? $" (last reason: {outcome.Readiness.Reason})" : ""),
                        "the Service stays; follow it with `platform service describe` or raise --wait-timeout");
                    return ExitCode.Failure;
            }
        }));
        return command;
    }

    private static async Task<JsonObject> UpdateAsync(IResourceStore client, string ns, string name, ServiceFlags flags, TrafficFlags traffic, CancellationToken cancel)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await client.GetRequiredAsync(Kind, ns, name, cancel).ConfigureAwait(false);
            var spec = current["spec"]?.Deserialize<ServiceSpec>(ResourceSerializer.Default.JsonOptions) ?? new ServiceSpec();
            var annotations = current.At("metadata.annotations")?.Deserialize<Dictionary<string, string>>();
            annotations = flags.ApplyTo(name, spec, annotations, creating: false);
            if (!traffic.IsEmpty) spec.Traffic = TrafficEditor.Compute(spec.Traffic, traffic);
            var service = Build(name, ns, annotations, spec);
            Created.Check(service);

            var next = (JsonObject)current.DeepClone();
            next["spec"] = JsonSerializer.SerializeToNode(spec, ResourceSerializer.Default.JsonOptions);
            var metadata = next.Child("metadata");
            if (annotations is null) metadata.Remove("annotations");
            else metadata["annotations"] = JsonSerializer.SerializeToNode(annotations);
            try
            {
                return await client.ReplaceAsync(Kind, ns, name, next, cancel).ConfigureAwait(false);
            }
            catch (ResourceException e) when (e.Reason == StatusReason.Conflict && attempt < 3)
            {
                // Someone (the controller) wrote in between: read again and redo the edit, as kn does.
            }
        }
    }

    private static Platform.Resources.Serving.Service Build(string name, string ns, Dictionary<string, string>? annotations, ServiceSpec spec)
    {
        var service = new Platform.Resources.Serving.Service { Spec = spec };
        service.Metadata.Name = name;
        service.Metadata.Namespace = ns;
        service.Metadata.Annotations = annotations;
        return service;
    }

    private static Command Logs(Terminal terminal, Connection connection)
    {
        var name = new Argument<string>("name") { Description = "Name of the Service" };
        var revision = new Option<string?>("--revision") { HelpName = "REVISION", Description = "Only this revision's replicas (default: every revision with traffic)" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep streaming new lines" };
        var command = new Command("logs", "Show the logs of a Service's replicas") { name, revision, follow };
        command.SetAction((parse, cancel) => ResourceRun.RunAsync(terminal, connection, parse, cancel, async (client, ns) =>
        {
            if (client is not HttpResourceStore local)
                throw new ResourceException(new ResourceError(StatusReason.MethodNotAllowed,
                    $"service logs is not available in Kubernetes mode yet; use kubectl logs -n {ns} -l serving.knative.dev/service={parse.GetValue(name)} -c user-container"));
            await foreach (var line in local.ServiceLogsAsync(ns, parse.GetValue(name)!, parse.GetValue(revision), parse.GetValue(follow), cancel).ConfigureAwait(false))
                terminal.Raw(line);
            return ExitCode.Ok;
        }));
        return command;
    }
}
