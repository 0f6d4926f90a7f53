using Platform.Resources.Core;

namespace Platform.Resources.Validation;

/// <summary>
/// Rules for the pod part of a revision, as Knative's webhook applies them to a Kubernetes PodSpec: volumes, each
/// container (name, image or command, ports, env and envFrom, volume mounts, probes, resources) and the fields
/// Knative reserves (ports, env vars, mount paths).
/// </summary>
internal sealed class PodSpecRules(ValidationOptions options)
{
    public static HashSet<string> Volumes(List<Volume>? volumes, string path, ErrorList errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (volumes?.Count ?? 0); i++)
        {
            var volume = volumes![i];
            var volumePath = FieldPath.Index(path, i);
            if (volume is null)
            {
                errors.Add(volumePath, "required");
                continue;
            }

            if (string.IsNullOrEmpty(volume.Name))
            {
                errors.Add(FieldPath.Child(volumePath, "name"), "required");
            }
            else if (!Names.IsDns1123Label(volume.Name))
            {
                errors.Add(FieldPath.Child(volumePath, "name"), Names.Dns1123LabelMessage);
            }
            else if (!names.Add(volume.Name))
            {
                errors.Add(FieldPath.Child(volumePath, "name"), $"duplicate volume name \"{volume.Name}\"");
            }

            var sources = new object?[] { volume.ConfigMap, volume.Secret, volume.EmptyDir, volume.Projected, volume.PersistentVolumeClaim }.Count(s => s is not null);
            if (sources != 1)
            {
                errors.Add(volumePath, "must set exactly one of configMap, secret, emptyDir, projected, persistentVolumeClaim");
            }
        }

        return names;
    }

    public void Container(Container? container, string path, HashSet<string> volumes, HashSet<string> names, ErrorList errors)
    {
        if (container is null)
        {
            errors.Add(path, "required");
            return;
        }

        if (!string.IsNullOrEmpty(container.Name))
        {
            if (!Names.IsDns1123Label(container.Name))
            {
                errors.Add(FieldPath.Child(path, "name"), Names.Dns1123LabelMessage);
            }
            else if (!names.Add(container.Name))
            {
                errors.Add(FieldPath.Child(path, "name"), $"duplicate container name \"{container.Name}\"");
            }
        }

        // Platform extension: a command alone is enough, the local backend runs it as a process.
        if (string.IsNullOrWhiteSpace(container.Image) && container.Command is not { Count: > 0 })
        {
            errors.Add(FieldPath.Child(path, "image"), "image or command is required");
        }

        Ports(container.Ports, FieldPath.Child(path, "ports"), errors);
        Env(container.Env, FieldPath.Child(path, "env"), errors);
        EnvFrom(container.EnvFrom, FieldPath.Child(path, "envFrom"), errors);
        Probe(container.ReadinessProbe, FieldPath.Child(path, "readinessProbe"), handlerRequired: false, liveness: false, errors);
        Probe(container.LivenessProbe, FieldPath.Child(path, "livenessProbe"), handlerRequired: true, liveness: true, errors);
        Probe(container.StartupProbe, FieldPath.Child(path, "startupProbe"), handlerRequired: true, liveness: true, errors);
        Resources(container.Resources, FieldPath.Child(path, "resources"), errors);
        if (container.SecurityContext?.Privileged == true)
        {
            errors.Add(FieldPath.Child(path, "securityContext.privileged"), "must not be true");
        }

        var mountsPath = FieldPath.Child(path, "volumeMounts");
        var mountPaths = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (container.VolumeMounts?.Count ?? 0); i++)
        {
            var mount = container.VolumeMounts![i];
            var mountPath = FieldPath.Index(mountsPath, i);
            if (mount is null)
            {
                errors.Add(mountPath, "required");
                continue;
            }

            if (string.IsNullOrEmpty(mount.Name))
            {
                errors.Add(FieldPath.Child(mountPath, "name"), "required");
            }
            else if (!volumes.Contains(mount.Name))
            {
                errors.Add(FieldPath.Child(mountPath, "name"), $"no volume named \"{mount.Name}\"");
            }

            var target = mount.MountPath;
            if (string.IsNullOrEmpty(target))
            {
                errors.Add(FieldPath.Child(mountPath, "mountPath"), "required");
            }
            else if (!target.StartsWith('/'))
            {
                errors.Add(FieldPath.Child(mountPath, "mountPath"), "must be an absolute path");
            }
            else if (options.ReservedMountPaths.Contains(target.TrimEnd('/').Length == 0 ? "/" : target.TrimEnd('/')))
            {
                errors.Add(FieldPath.Child(mountPath, "mountPath"), $"{target} is a reserved path");
            }
            else if (!mountPaths.Add(target))
            {
                errors.Add(FieldPath.Child(mountPath, "mountPath"), $"duplicate mount path \"{target}\"");
            }
        }
    }

    private void Ports(List<ContainerPortSpec>? ports, string path, ErrorList errors)
    {
        if (ports is null)
        {
            return;
        }

        if (ports.Count > 1)
        {
            errors.Add(path, "must have at most one port");
        }

        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i];
            var portPath = FieldPath.Index(path, i);
            if (port is null)
            {
                errors.Add(portPath, "required");
                continue;
            }

            var numberPath = FieldPath.Child(portPath, "containerPort");
            if (port.ContainerPort is not int number)
            {
                errors.Add(numberPath, "required");
            }
            else if (number is < 1 or > 65535)
            {
                errors.Add(numberPath, "must be between 1 and 65535");
            }
            else if (options.ReservedPorts.Contains(number))
            {
                errors.Add(numberPath, $"port {number} is reserved");
            }

            if (!string.IsNullOrEmpty(port.Name) && port.Name is not ("http1" or "h2c"))
            {
                errors.Add(FieldPath.Child(portPath, "name"), "must be empty, http1 or h2c");
            }

            if (!string.IsNullOrEmpty(port.Protocol) && port.Protocol != "TCP")
            {
                errors.Add(FieldPath.Child(portPath, "protocol"), "must be TCP");
            }

            if (port.HostPort is not null)
            {
                errors.Add(FieldPath.Child(portPath, "hostPort"), "must not be set");
            }

            if (port.HostIP is not null)
            {
                errors.Add(FieldPath.Child(portPath, "hostIP"), "must not be set");
            }
        }
    }

    private void Env(List<EnvVar>? env, string path, ErrorList errors)
    {
        for (var i = 0; i < (env?.Count ?? 0); i++)
        {
            var variable = env![i];
            var varPath = FieldPath.Index(path, i);
            if (variable is null)
            {
                errors.Add(varPath, "required");
                continue;
            }

            if (string.IsNullOrEmpty(variable.Name))
            {
                errors.Add(FieldPath.Child(varPath, "name"), "required");
            }
            else if (options.ReservedEnvVars.Contains(variable.Name))
            {
                errors.Add(FieldPath.Child(varPath, "name"), $"{variable.Name} is reserved");
            }
            else if (variable.Name.Contains('='))
            {
                errors.Add(FieldPath.Child(varPath, "name"), "must not contain '='");
            }

            if (variable.Value is not null && variable.ValueFrom is not null)
            {
                errors.Add(varPath, "must not set both value and valueFrom");
            }

            if (variable.ValueFrom is { } from)
            {
                var sources = new object?[] { from.ConfigMapKeyRef, from.SecretKeyRef, from.FieldRef, from.ResourceFieldRef }.Count(s => s is not null);
                if (sources != 1)
                {
                    errors.Add(FieldPath.Child(varPath, "valueFrom"), "must set exactly one of configMapKeyRef, secretKeyRef, fieldRef, resourceFieldRef");
                }

                KeyRef(from.ConfigMapKeyRef, FieldPath.Child(varPath, "valueFrom.configMapKeyRef"), errors);
                KeyRef(from.SecretKeyRef, FieldPath.Child(varPath, "valueFrom.secretKeyRef"), errors);
            }
        }
    }

    private static void KeyRef(KeySelector? selector, string path, ErrorList errors)
    {
        if (selector is null)
        {
            return;
        }

        if (string.IsNullOrEmpty(selector.Name))
        {
            errors.Add(FieldPath.Child(path, "name"), "required");
        }

        if (string.IsNullOrEmpty(selector.Key))
        {
            errors.Add(FieldPath.Child(path, "key"), "required");
        }
    }

    private static void EnvFrom(List<EnvFromSource>? envFrom, string path, ErrorList errors)
    {
        for (var i = 0; i < (envFrom?.Count ?? 0); i++)
        {
            var source = envFrom![i];
            var sourcePath = FieldPath.Index(path, i);
            if (source is null || (source.ConfigMapRef is null) == (source.SecretRef is null))
            {
                errors.Add(sourcePath, "must set exactly one of configMapRef or secretRef");
                continue;
            }

            if (string.IsNullOrEmpty((source.ConfigMapRef?.Name) ?? source.SecretRef?.Name))
            {
                errors.Add(FieldPath.Child(sourcePath, source.ConfigMapRef is not null ? "configMapRef.name" : "secretRef.name"), "required");
            }
        }
    }

    private static void Probe(Probe? probe, string path, bool handlerRequired, bool liveness, ErrorList errors)
    {
        if (probe is null)
        {
            return;
        }

        var handlers = new object?[] { probe.HttpGet, probe.TcpSocket, probe.Grpc, probe.Exec }.Count(h => h is not null);
        if (handlers > 1 || (handlers == 0 && handlerRequired))
        {
            errors.Add(path, "must set exactly one of httpGet, tcpSocket, grpc, exec");
        }

        NonNegative(probe.InitialDelaySeconds, FieldPath.Child(path, "initialDelaySeconds"), errors);
        NonNegative(probe.PeriodSeconds, FieldPath.Child(path, "periodSeconds"), errors);
        NonNegative(probe.TimeoutSeconds, FieldPath.Child(path, "timeoutSeconds"), errors);
        NonNegative(probe.FailureThreshold, FieldPath.Child(path, "failureThreshold"), errors);
        NonNegative(probe.SuccessThreshold, FieldPath.Child(path, "successThreshold"), errors);
        if (liveness && probe.SuccessThreshold is int success && success != 1)
        {
            errors.Add(FieldPath.Child(path, "successThreshold"), "must be 1");
        }

        if (probe.HttpGet is { } http)
        {
            ProbePort(http.Port, FieldPath.Child(path, "httpGet.port"), errors);
            if (!string.IsNullOrEmpty(http.Scheme) && http.Scheme is not ("HTTP" or "HTTPS"))
            {
                errors.Add(FieldPath.Child(path, "httpGet.scheme"), "must be HTTP or HTTPS");
            }

            for (var i = 0; i < (http.HttpHeaders?.Count ?? 0); i++)
            {
                if (string.IsNullOrEmpty(http.HttpHeaders![i]?.Name))
                {
                    errors.Add(FieldPath.Child(FieldPath.Index(FieldPath.Child(path, "httpGet.httpHeaders"), i), "name"), "required");
                }
            }
        }

        if (probe.TcpSocket is { } tcp)
        {
            ProbePort(tcp.Port, FieldPath.Child(path, "tcpSocket.port"), errors);
        }

        if (probe.Grpc?.Port is int grpcPort && grpcPort is < 0 or > 65535)
        {
            errors.Add(FieldPath.Child(path, "grpc.port"), "must be between 1 and 65535");
        }

        if (probe.Exec is { } exec && exec.Command is not { Count: > 0 })
        {
            errors.Add(FieldPath.Child(path, "exec.command"), "required");
        }
    }

    private static void ProbePort(IntOrString? port, string path, ErrorList errors)
    {
        if (port is not { } value)
        {
            return;
        }

        // 0 means "the user port", as Knative's defaulted probes do.
        if (value.IntValue is int number && number is < 0 or > 65535)
        {
            errors.Add(path, "must be between 1 and 65535");
        }
        else if (value.StringValue is { } name && !Names.IsDns1123Label(name))
        {
            errors.Add(path, "must be a port number or a port name");
        }
    }

    private static void Resources(ResourceRequirements? resources, string path, ErrorList errors)
    {
        if (resources is null)
        {
            return;
        }

        var limits = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (name, quantity) in resources.Limits ?? [])
        {
            if (!quantity.TryGetNumber(out var number) || number < 0)
            {
                errors.Add(FieldPath.Key(FieldPath.Child(path, "limits"), name), "must be a quantity (e.g. 500m, 128Mi)");
            }
            else
            {
                limits[name] = number;
            }
        }

        foreach (var (name, quantity) in resources.Requests ?? [])
        {
            var requestPath = FieldPath.Key(FieldPath.Child(path, "requests"), name);
            if (!quantity.TryGetNumber(out var number) || number < 0)
            {
                errors.Add(requestPath, "must be a quantity (e.g. 500m, 128Mi)");
            }
            else if (limits.TryGetValue(name, out var limit) && number > limit)
            {
                errors.Add(requestPath, $"must be less than or equal to the limit ({resources.Limits![name]})");
            }
        }
    }

    private static void NonNegative(int? value, string path, ErrorList errors)
    {
        if (value is < 0)
        {
            errors.Add(path, "must be >= 0");
        }
    }
}
