using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.ControlPlane.Store;
using Platform.Eventing.Addressing;
using Platform.Resources.Duck;
using Platform.Resources.Meta;
using Platform.Resources.Sources;
using Platform.Sources.Bindings;
using Platform.Sources.Sdk;
using Platform.Sources.Status;

namespace Platform.Sources.Containers;

/// <summary>How one container of a ContainerSource's template starts as a local process.</summary>
/// <param name="Container">The container's name.</param>
/// <param name="Command">Its command (the program first).</param>
/// <param name="Args">Its arguments.</param>
/// <param name="WorkingDir">Its working directory as written, or null.</param>
/// <param name="Env">Its literal env, then <c>K_SINK</c> and <c>K_CE_OVERRIDES</c>.</param>
internal sealed record ContainerLaunch(string Container, IReadOnlyList<string> Command, IReadOnlyList<string> Args, string? WorkingDir,
    IReadOnlyList<KeyValuePair<string, string>> Env);

/// <summary>What the local runner runs for one ContainerSource: one process per container of its template.</summary>
/// <param name="Uid">The source's uid.</param>
/// <param name="Namespace">Its namespace.</param>
/// <param name="Name">Its name.</param>
/// <param name="Containers">Its processes.</param>
internal sealed record ContainerJob(string Uid, string Namespace, string Name, IReadOnlyList<ContainerLaunch> Containers)
{
    /// <summary>The launches as JSON: a change of it restarts the processes.</summary>
    public string Fingerprint { get; } = JsonSerializer.Serialize(Containers);

    /// <summary><c>namespace/name</c>.</summary>
    public string Key => $"{Namespace}/{Name}";
}

/// <summary>How a ContainerSource's processes are doing locally.</summary>
/// <param name="Started">Every process started at least once.</param>
/// <param name="Reason">Why one cannot start (<c>CommandNotFound</c>, <c>WorkingDirNotFound</c>), or null.</param>
/// <param name="Message">The details of <paramref name="Reason"/>.</param>
/// <param name="Restarts">Restarts after exits, over all its processes.</param>
internal sealed record ContainerState(bool Started, string? Reason, string? Message, int Restarts);

/// <summary>
/// A ContainerSource is a SinkBinding plus a workload, as in Knative: its template's containers get <c>K_SINK</c> and
/// <c>K_CE_OVERRIDES</c> (<see cref="BindingEnv"/>) and run, locally as processes, in Kubernetes as the Deployment
/// <c>{name}-deployment</c> owned by the source (the variables are written into the Deployment's template directly
/// rather than through a separate SinkBinding object). Conditions are Knative's: <c>SinkBindingReady</c> (the sink
/// resolved; <c>SinkProvided</c> says the same), <c>ReceiveAdapterReady</c> (the processes started, or the
/// Deployment is Available) and Ready from both. Pure.
/// </summary>
internal static class ContainerPlanner
{
    /// <summary>Label naming the ContainerSource on its Deployment and pods.</summary>
    public const string SourceLabel = "sources.knative.dev/containerSource";

    /// <summary>Annotation holding the hash of what the Deployment was built from: a difference replaces its spec.</summary>
    public const string SpecHashAnnotation = "sources.platform.dev/spec-hash";

    /// <summary>The name of a source's Deployment (Knative's child name).</summary>
    public static string DeploymentName(string source) => $"{source}-deployment";

    /// <summary>The processes to run locally, or why the template cannot run as processes (a reason and a message with the field path).</summary>
    public static (IReadOnlyList<ContainerLaunch>? Launches, string? Reason, string? Message) Launches(ContainerSource source, Uri sink)
    {
        var variables = BindingEnv.For(sink, new CeOverrides(source.Spec?.CeOverrides?.Extensions ?? []));
        var containers = source.Spec?.Template?.Spec?.Containers ?? [];
        if (containers.Count == 0) return (null, "InvalidSpec", "spec.template.spec.containers: at least one container is required");
        List<ContainerLaunch> launches = [];
        for (var i = 0; i < containers.Count; i++)
        {
            var container = containers[i];
            var at = $"spec.template.spec.containers[{i}]";
            var name = container.Name is { Length: > 0 } n ? n : $"container-{i}";
            if (container.Command is not { Count: > 0 } command || string.IsNullOrEmpty(command[0]))
                return (null, "ContainerMissing",
                    $"{at}.command: image \"{container.Image}\" without a command cannot run as a local process: give the container a command, or run the source in Kubernetes mode");
            if ((container.Env ?? []).Select((e, j) => (e, j)).FirstOrDefault(p => p.e.ValueFrom is not null) is { e: not null } sourced)
                return (null, "ConfigSourceUnavailable",
                    $"{at}.env[{sourced.j}].valueFrom: ConfigMaps and Secrets exist only in Kubernetes: locally give {sourced.e.Name} a literal value");
            if (container.EnvFrom is { Count: > 0 })
                return (null, "ConfigSourceUnavailable", $"{at}.envFrom: ConfigMaps and Secrets exist only in Kubernetes: locally list the variables in env");
            List<KeyValuePair<string, string>> env = [.. (container.Env ?? []).Where(e => !string.IsNullOrEmpty(e.Name) && !BindingEnv.Names.Contains(e.Name!))
                .Select(e => new KeyValuePair<string, string>(e.Name!, e.Value ?? ""))];
            env.AddRange(variables);
            launches.Add(new ContainerLaunch(name, command, container.Args ?? [], container.WorkingDir, env));
        }
        return (launches, null, null);
    }

    /// <summary>
    /// The Deployment for Kubernetes mode: the source's template as written (every field kept) with the variables
    /// injected, the label <see cref="SourceLabel"/> on it and as its selector, one replica, owned (controller) by
    /// the source, and <see cref="SpecHashAnnotation"/>.
    /// </summary>
    public static JsonObject Deployment(JsonObject source, Uri sink, CeOverrides overrides)
    {
        var name = source.Name() ?? "";
        var template = source["spec"]?["template"]?.DeepClone() as JsonObject ?? new JsonObject();
        var metadata = template["metadata"] as JsonObject ?? new JsonObject();
        template["metadata"] = metadata;
        if (metadata["labels"] is not JsonObject labels) metadata["labels"] = labels = new JsonObject();
        labels[SourceLabel] = name;
        if (template["spec"] is JsonObject pod) BindingEnv.Inject(pod, BindingEnv.For(sink, overrides));
        var spec = new JsonObject
        {
            ["replicas"] = 1,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { [SourceLabel] = name } },
            ["template"] = template,
        };
        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = new JsonObject
            {
                ["name"] = DeploymentName(name),
                ["namespace"] = source.Namespace() ?? "default",
                ["labels"] = new JsonObject { [SourceLabel] = name },
                ["annotations"] = new JsonObject { [SpecHashAnnotation] = Hash(spec) },
                ["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = source.Str("apiVersion") ?? "sources.knative.dev/v1",
                    ["kind"] = "ContainerSource",
                    ["name"] = name,
                    ["uid"] = source.Uid() ?? "",
                    ["controller"] = true,
                    ["blockOwnerDeletion"] = true,
                }),
            },
            ["spec"] = spec,
        };
    }

    /// <summary>
    /// What to write given the Deployment now stored: the desired one when there is none (create), the stored one
    /// with the desired labels, annotations and spec when its hash differs (update), nothing when it is current;
    /// or why it is not ours to touch (another owner).
    /// </summary>
    public static (JsonObject? Write, bool Create, string? NotOwned) Reconcile(JsonObject desired, JsonObject? current, string sourceUid)
    {
        if (current is null) return (desired, true, null);
        if (!current.OwnerUids().Contains(sourceUid))
            return (null, false, $"Deployment \"{current.Name()}\" exists and is not owned by this ContainerSource");
        if (current.Annotations().GetValueOrDefault(SpecHashAnnotation) == desired.Annotations().GetValueOrDefault(SpecHashAnnotation)) return (null, false, null);
        var updated = (JsonObject)current.DeepClone();
        var metadata = updated.EnsureMetadata();
        foreach (var field in new[] { "labels", "annotations", "ownerReferences" }) metadata[field] = desired["metadata"]![field]!.DeepClone();
        updated["spec"] = desired["spec"]!.DeepClone();
        return (updated, false, null);
    }

    /// <summary>Status for a local source: the sink, then <paramref name="refusal"/> or the runner's <paramref name="state"/>.</summary>
    public static SourceStatus LocalStatus(ContainerSource source, Resolution sink, (string Reason, string Message)? refusal, ContainerState? state, DateTimeOffset now)
    {
        var status = SinkStatus(source, sink, now);
        if (refusal is { } r) status.SetCondition(SourceConditionTypes.ReceiveAdapterReady, ConditionStatus.False, now, r.Reason, r.Message);
        else if (sink.Uri is null) status.SetCondition(SourceConditionTypes.ReceiveAdapterReady, ConditionStatus.Unknown, now, "SinkNotResolved", "the processes start once the sink resolves");
        else if (state?.Reason is { } reason) status.SetCondition(SourceConditionTypes.ReceiveAdapterReady, ConditionStatus.False, now, reason, state.Message);
        else if (state is { Started: true }) status.SetCondition(SourceConditionTypes.ReceiveAdapterReady, ConditionStatus.True, now);
        else status.SetCondition(SourceConditionTypes.ReceiveAdapterReady, ConditionStatus.Unknown, now, "Starting", "the processes are starting");
        return Finish(status, now);
    }

    /// <summary>
    /// Status for Kubernetes mode: ReceiveAdapterReady from the Deployment's <c>Available</c> condition (Knative's
    /// <c>DeploymentUnavailable</c> otherwise), or False with <paramref name="failure"/> when writing it failed.
    /// </summary>
    public static SourceStatus KubernetesStatus(ContainerSource source, Resolution sink, JsonObject? deployment, string? failure, DateTimeOffset now)
    {
        var status = SinkStatus(source, sink, now);
        var name = DeploymentName(source.Metadata.Name ?? "");
        var available = (deployment?["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c.Str("type") == "Available");
        if (failure is not null) status.SetCondition(SourceConditionTypes.ReceiveAdapterReady, ConditionStatus.False, now, "DeploymentFailed", failure);
        else if (deployment is null && sink.Uri is null) status.SetCondition(SourceConditionTypes.ReceiveAdapterReady, ConditionStatus.Unknown, now, "SinkNotResolved", "the Deployment is created once the sink resolves");
        else if (available?.Str("status") == "True") status.SetCondition(SourceConditionTypes.ReceiveAdapterReady, ConditionStatus.True, now);
        else if (available?.Str("status") == "False") status.SetCondition(SourceConditionTypes.ReceiveAdapterReady, ConditionStatus.False, now, "DeploymentUnavailable", $"The Deployment '{name}' is unavailable: {available.Str("message")}");
        else status.SetCondition(SourceConditionTypes.ReceiveAdapterReady, ConditionStatus.Unknown, now, "DeploymentUnavailable", $"The Deployment '{name}' is unavailable.");
        return Finish(status, now);
    }

    private static SourceStatus SinkStatus(ContainerSource source, Resolution sink, DateTimeOffset now)
    {
        var status = new SourceStatus { ObservedGeneration = source.Metadata.Generation };
        if (sink.Uri is { } uri)
        {
            status.SinkUri = uri.ToString();
            status.SetCondition(SourceConditionTypes.SinkProvided, ConditionStatus.True, now);
            status.SetCondition(SourceConditionTypes.SinkBindingReady, ConditionStatus.True, now);
        }
        else
        {
            status.SetCondition(SourceConditionTypes.SinkProvided, ConditionStatus.False, now, "NotFound", sink.Error);
            status.SetCondition(SourceConditionTypes.SinkBindingReady, ConditionStatus.False, now, "NotFound", sink.Error);
        }
        return status;
    }

    private static SourceStatus Finish(SourceStatus status, DateTimeOffset now)
    {
        SourceConditions.SetReady(status, now, SourceConditionTypes.SinkBindingReady, SourceConditionTypes.ReceiveAdapterReady);
        return status;
    }

    private static string Hash(JsonNode spec) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(spec.ToJsonString())))[..16];
}
