using Platform.Resources.Autoscaling;
using Platform.Resources.Core;
using Platform.Resources.Serving;
using Platform.Resources.Validation;
using Platform.Serving.Contracts.Revisions;

namespace Platform.Workloads;

/// <summary>What <see cref="RevisionWorkloadBuilder.Build"/> made of a revision: a workload, or every reason it cannot run.</summary>
/// <param name="Workload">The workload; null when <paramref name="Errors"/> is not empty.</param>
/// <param name="Errors">Each refused field with its path, e.g. <c>spec.containers[0].env[1].valueFrom</c>.</param>
public sealed record WorkloadBuild(RevisionWorkload? Workload, IReadOnlyList<FieldError> Errors)
{
    /// <summary>True when the revision can run.</summary>
    public bool IsValid => Errors.Count == 0 && Workload is not null;

    /// <summary>All errors on one line, <c>path: message; path: message</c>.</summary>
    public string Message => string.Join("; ", Errors);
}

/// <summary>
/// Turns a typed Revision into a <see cref="RevisionWorkload"/>: pure, no I/O. Refuses, with the field path, what
/// the backends cannot run: init containers, <c>valueFrom</c> other than ConfigMap and Secret keys, a container
/// with neither command nor image. With several containers the one with a port serves; the others are sidecars.
/// </summary>
public static class RevisionWorkloadBuilder
{
    /// <summary>Builds the workload of <paramref name="revision"/>, collecting every error before answering.</summary>
    public static WorkloadBuild Build(Revision revision)
    {
        ArgumentNullException.ThrowIfNull(revision);
        var errors = new List<FieldError>();
        var meta = revision.Metadata;
        if (string.IsNullOrEmpty(meta.Name))
        {
            errors.Add(new FieldError("metadata.name", "required"));
        }

        var name = meta.Name ?? "";
        // The routing metadata changes when a route starts or stops sending traffic; as in Knative it stays off the
        // workload, which would otherwise be replaced (its replicas restarted) each time the revision is routed.
        var labels = new Dictionary<string, string>((meta.Labels ?? []).Where(l => !ServingLabels.RoutingMetadata.Contains(l.Key)), StringComparer.Ordinal)
        {
            [ServingLabels.Revision] = name,
        };
        var annotations = new Dictionary<string, string>((meta.Annotations ?? []).Where(a => !ServingLabels.RoutingMetadata.Contains(a.Key)), StringComparer.Ordinal);

        var spec = revision.Spec;
        if (spec.InitContainers is { Count: > 0 })
        {
            errors.Add(new FieldError("spec.initContainers", "not supported: run the setup in the container's command"));
        }

        if (spec.Containers is null || spec.Containers.Count == 0)
        {
            errors.Add(new FieldError("spec.containers", "one container is required"));
            return new WorkloadBuild(null, errors);
        }

        // The serving container is the one with a port (admission lets exactly one declare it when there are several);
        // the others run beside it as sidecars.
        var servingIndex = spec.Containers.Count == 1 ? 0 : Math.Max(0, spec.Containers.FindIndex(c => c?.Ports is { Count: > 0 }));
        var path = FieldPath.Index("spec.containers", servingIndex);
        var container = spec.Containers[servingIndex];
        var sidecars = new List<SidecarContainer>();
        for (var i = 0; i < spec.Containers.Count; i++)
        {
            if (i != servingIndex && spec.Containers[i] is { } other)
            {
                sidecars.Add(BuildSidecar(other, FieldPath.Index("spec.containers", i), errors));
            }
        }
        var command = container.Command ?? [];
        if (command.Count == 0 && string.IsNullOrWhiteSpace(container.Image))
        {
            errors.Add(new FieldError(path, "give command (a program to run) or image"));
        }

        var env = BuildEnv(container, path, errors);
        var envFrom = BuildEnvFrom(container, path, errors);
        var (port, portName) = BuildPort(container, path, errors);
        var readiness = BuildProbe(container.ReadinessProbe, port, FieldPath.Child(path, "readinessProbe"), errors) ?? ProbeCheck.DefaultTcp;
        var liveness = BuildProbe(container.LivenessProbe, port, FieldPath.Child(path, "livenessProbe"), errors);
        var startup = BuildProbe(container.StartupProbe, port, FieldPath.Child(path, "startupProbe"), errors);
        var scale = AutoscalingSettings.FromAnnotations(annotations);
        var minScale = Math.Max(0, scale.MinScale ?? 0);
        var maxScale = Math.Max(0, scale.MaxScale ?? 0);
        var initialScale = Math.Max(scale.InitialScale ?? 1, minScale);
        if (maxScale > 0)
        {
            initialScale = Math.Min(initialScale, maxScale);
        }

        if (errors.Count > 0)
        {
            return new WorkloadBuild(null, errors);
        }

        var workload = new RevisionWorkload
        {
            Revision = new RevisionKey(string.IsNullOrEmpty(meta.Namespace) ? "default" : meta.Namespace, name),
            Uid = meta.Uid,
            Service = labels.GetValueOrDefault(ServingLabels.Service, ""),
            Configuration = labels.GetValueOrDefault(ServingLabels.Configuration, ""),
            Labels = labels,
            Annotations = annotations,
            ContainerName = string.IsNullOrEmpty(container.Name) ? "user-container" : container.Name,
            Image = string.IsNullOrWhiteSpace(container.Image) ? null : container.Image,
            Command = [.. command],
            Args = [.. container.Args ?? []],
            WorkingDir = string.IsNullOrEmpty(container.WorkingDir) ? null : container.WorkingDir,
            Env = env,
            EnvFrom = envFrom,
            Sidecars = sidecars,
            ContainerPort = port,
            PortName = portName,
            Readiness = readiness,
            Requests = (container.Resources?.Requests ?? []).ToDictionary(r => r.Key, r => r.Value.Value, StringComparer.Ordinal),
            Limits = (container.Resources?.Limits ?? []).ToDictionary(r => r.Key, r => r.Value.Value, StringComparer.Ordinal),
            CpuRequestCores = container.Resources?.Requests?.GetValueOrDefault("cpu") is { } cpu && cpu.TryGetNumber(out var cores) && cores > 0 ? (double)cores : null,
            Liveness = liveness,
            Startup = startup,
            ContainerConcurrency = (int)Math.Clamp(spec.ContainerConcurrency ?? 0, 0, 1000),
            TimeoutSeconds = (int)Math.Clamp(spec.TimeoutSeconds ?? 300, 1, int.MaxValue),
            TerminationGracePeriodSeconds = spec.TerminationGracePeriodSeconds is long grace ? (int)Math.Clamp(grace, 0, int.MaxValue) : null,
            MinScale = minScale,
            MaxScale = maxScale,
            InitialScale = initialScale,
        };
        return new WorkloadBuild(workload, []);
    }

    private static SidecarContainer BuildSidecar(Container container, string path, List<FieldError> errors)
    {
        var command = container.Command ?? [];
        if (command.Count == 0 && string.IsNullOrWhiteSpace(container.Image))
        {
            errors.Add(new FieldError(path, "give command (a program to run) or image"));
        }

        return new SidecarContainer
        {
            Name = string.IsNullOrEmpty(container.Name) ? path : container.Name,
            Image = string.IsNullOrWhiteSpace(container.Image) ? null : container.Image,
            Command = [.. command],
            Args = [.. container.Args ?? []],
            WorkingDir = string.IsNullOrEmpty(container.WorkingDir) ? null : container.WorkingDir,
            Env = BuildEnv(container, path, errors),
            EnvFrom = BuildEnvFrom(container, path, errors),
            Requests = (container.Resources?.Requests ?? []).ToDictionary(r => r.Key, r => r.Value.Value, StringComparer.Ordinal),
            Limits = (container.Resources?.Limits ?? []).ToDictionary(r => r.Key, r => r.Value.Value, StringComparer.Ordinal),
        };
    }

    private static List<EnvironmentReference> BuildEnvFrom(Container container, string path, List<FieldError> errors)
    {
        var imports = new List<EnvironmentReference>();
        for (var i = 0; i < (container.EnvFrom?.Count ?? 0); i++)
        {
            var source = container.EnvFrom![i];
            var (kind, reference) = source.ConfigMapRef is { } c ? (EnvironmentReference.ConfigMap, c) : (EnvironmentReference.Secret, source.SecretRef);
            if (reference?.Name is not { Length: > 0 } name)
            {
                errors.Add(new FieldError(FieldPath.Index(FieldPath.Child(path, "envFrom"), i), "name a configMapRef or a secretRef"));
                continue;
            }

            imports.Add(new EnvironmentReference(kind, name, null, reference.Optional ?? false, source.Prefix));
        }

        return imports;
    }

    private static List<EnvironmentVariable> BuildEnv(Container container, string path, List<FieldError> errors)
    {
        var env = new List<EnvironmentVariable>();
        for (var i = 0; i < (container.Env?.Count ?? 0); i++)
        {
            var item = container.Env![i];
            var itemPath = FieldPath.Index(FieldPath.Child(path, "env"), i);
            if (string.IsNullOrEmpty(item.Name))
            {
                errors.Add(new FieldError(FieldPath.Child(itemPath, "name"), "required"));
                continue;
            }

            if (item.ValueFrom is { } from)
            {
                var (kind, selector) = from.ConfigMapKeyRef is { } c ? (EnvironmentReference.ConfigMap, c) : (EnvironmentReference.Secret, from.SecretKeyRef);
                if (selector?.Name is not { Length: > 0 } name || selector.Key is not { Length: > 0 } key)
                {
                    errors.Add(new FieldError(FieldPath.Child(itemPath, "valueFrom"), "only configMapKeyRef and secretKeyRef (with name and key) are supported"));
                    continue;
                }

                env.Add(new EnvironmentVariable(item.Name, "", new EnvironmentReference(kind, name, key, selector.Optional ?? false)));
                continue;
            }

            env.Add(new EnvironmentVariable(item.Name, item.Value ?? ""));
        }

        return env;
    }

    private static (int Port, string Name) BuildPort(Container container, string path, List<FieldError> errors)
    {
        if (container.Ports is not { Count: > 0 } ports)
        {
            return (RevisionSpec.DefaultUserPort, "");
        }

        if (ports.Count > 1)
        {
            errors.Add(new FieldError(FieldPath.Child(path, "ports"), $"at most one port is allowed, found {ports.Count}"));
        }

        var port = ports[0].ContainerPort ?? RevisionSpec.DefaultUserPort;
        if (port is < 1 or > 65535)
        {
            errors.Add(new FieldError(FieldPath.Child(FieldPath.Index(FieldPath.Child(path, "ports"), 0), "containerPort"), "must be 1..65535"));
        }

        return (port, ports[0].Name ?? "");
    }

    private static ProbeCheck? BuildProbe(Probe? probe, int userPort, string path, List<FieldError> errors)
    {
        if (probe is null)
        {
            return null;
        }

        var check = new ProbeCheck
        {
            InitialDelaySeconds = Math.Max(0, probe.InitialDelaySeconds ?? 0),
            PeriodSeconds = Math.Max(0, probe.PeriodSeconds ?? 0),
            TimeoutSeconds = probe.TimeoutSeconds is > 0 and int timeout ? timeout : 1,
            FailureThreshold = probe.FailureThreshold is > 0 and int failures ? failures : 3,
            SuccessThreshold = probe.SuccessThreshold is > 0 and int successes ? successes : 1,
        };
        if (probe.HttpGet is { } http)
        {
            var headers = new List<KeyValuePair<string, string>>();
            for (var i = 0; i < (http.HttpHeaders?.Count ?? 0); i++)
            {
                var header = http.HttpHeaders![i];
                if (string.IsNullOrEmpty(header.Name))
                {
                    errors.Add(new FieldError(FieldPath.Child(FieldPath.Index(FieldPath.Child(FieldPath.Child(path, "httpGet"), "httpHeaders"), i), "name"), "required"));
                    continue;
                }

                headers.Add(new(header.Name, header.Value ?? ""));
            }

            var probePath = string.IsNullOrEmpty(http.Path) ? "/" : http.Path.StartsWith('/') ? http.Path : "/" + http.Path;
            return check with
            {
                Kind = ProbeKind.Http,
                Path = probePath,
                Scheme = string.Equals(http.Scheme, "HTTPS", StringComparison.OrdinalIgnoreCase) ? "HTTPS" : "HTTP",
                Headers = headers,
                Port = OtherPort(http.Port, userPort),
            };
        }

        if (probe.Exec is { } exec)
        {
            if (exec.Command is not { Count: > 0 } command || string.IsNullOrEmpty(command[0]))
            {
                errors.Add(new FieldError(FieldPath.Child(FieldPath.Child(path, "exec"), "command"), "required"));
                return check;
            }

            return check with { Kind = ProbeKind.Exec, Command = [.. command] };
        }

        if (probe.Grpc is { } grpc)
        {
            return check with { Kind = ProbeKind.Grpc, GrpcService = grpc.Service ?? "", Port = grpc.Port is int p && p != 0 && p != userPort ? p : null };
        }

        return check with { Kind = ProbeKind.Tcp, Port = OtherPort(probe.TcpSocket?.Port, userPort) };
    }

    // Only a numeric port other than the user port is kept; a named port names the user port in Knative.
    private static int? OtherPort(IntOrString? port, int userPort) =>
        port?.IntValue is int number && number != 0 && number != userPort ? number : null;
}
