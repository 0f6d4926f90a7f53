using System.Text.Json.Nodes;
using Platform.Resources.Meta;

namespace Platform.Resources.Core;

/// <summary>The subset of Kubernetes' PodSpec that Knative revisions accept.</summary>
public class PodSpec
{
    /// <summary>Containers: one serving container, optionally sidecars (exactly one of them with a port).</summary>
    public List<Container>? Containers { get; set; }

    /// <summary>Containers run to completion before the others start.</summary>
    public List<Container>? InitContainers { get; set; }

    /// <summary>Volumes that containers can mount.</summary>
    public List<Volume>? Volumes { get; set; }

    /// <summary>Service account the workload runs as.</summary>
    public string? ServiceAccountName { get; set; }

    /// <summary>Secrets used to pull images.</summary>
    public List<LocalObjectReference>? ImagePullSecrets { get; set; }

    /// <summary>Whether Kubernetes service environment variables are injected.</summary>
    public bool? EnableServiceLinks { get; set; }

    /// <summary>Whether the service account token is mounted.</summary>
    public bool? AutomountServiceAccountToken { get; set; }

    /// <summary>Pod-level security settings (kept as given).</summary>
    public JsonObject? SecurityContext { get; set; }

    /// <summary>Node selection labels.</summary>
    public Dictionary<string, string>? NodeSelector { get; set; }

    /// <summary>Tolerations (kept as given).</summary>
    public List<JsonObject>? Tolerations { get; set; }

    /// <summary>Affinity rules (kept as given).</summary>
    public JsonObject? Affinity { get; set; }

    /// <summary>Runtime class.</summary>
    public string? RuntimeClassName { get; set; }

    /// <summary>Priority class.</summary>
    public string? PriorityClassName { get; set; }

    /// <summary>Scheduler name.</summary>
    public string? SchedulerName { get; set; }

    /// <summary>Grace period on termination, in seconds.</summary>
    public long? TerminationGracePeriodSeconds { get; set; }

    /// <summary>DNS policy.</summary>
    public string? DnsPolicy { get; set; }

    /// <summary>Extra /etc/hosts entries (kept as given).</summary>
    public List<JsonObject>? HostAliases { get; set; }
}

/// <summary>A container of a revision.</summary>
public sealed class Container
{
    /// <summary>Container name; defaulted to <c>user-container</c> for the serving container.</summary>
    public string? Name { get; set; }

    /// <summary>
    /// Image reference. Platform extension: optional when <see cref="Command"/> is given, because the local backend
    /// runs the command as a process without an image.
    /// </summary>
    public string? Image { get; set; }

    /// <summary>Entrypoint (local mode: the program to start).</summary>
    public List<string>? Command { get; set; }

    /// <summary>Arguments to the entrypoint.</summary>
    public List<string>? Args { get; set; }

    /// <summary>Working directory.</summary>
    public string? WorkingDir { get; set; }

    /// <summary>Environment variables.</summary>
    public List<EnvVar>? Env { get; set; }

    /// <summary>Environment variables from config maps or secrets.</summary>
    public List<EnvFromSource>? EnvFrom { get; set; }

    /// <summary>The port the container listens on (at most one; default 8080 through <c>PORT</c>).</summary>
    public List<ContainerPortSpec>? Ports { get; set; }

    /// <summary>Readiness probe; defaulted to a TCP probe on the user port.</summary>
    public Probe? ReadinessProbe { get; set; }

    /// <summary>Liveness probe.</summary>
    public Probe? LivenessProbe { get; set; }

    /// <summary>Startup probe.</summary>
    public Probe? StartupProbe { get; set; }

    /// <summary>Compute resource limits and requests.</summary>
    public ResourceRequirements? Resources { get; set; }

    /// <summary>Container security settings.</summary>
    public SecurityContext? SecurityContext { get; set; }

    /// <summary>Volume mounts.</summary>
    public List<VolumeMount>? VolumeMounts { get; set; }

    /// <summary>Image pull policy (Always, IfNotPresent, Never).</summary>
    public string? ImagePullPolicy { get; set; }

    /// <summary>Where the termination message is read from.</summary>
    public string? TerminationMessagePath { get; set; }

    /// <summary>File or FallbackToLogsOnError.</summary>
    public string? TerminationMessagePolicy { get; set; }

    /// <summary>Lifecycle hooks (kept as given).</summary>
    public JsonObject? Lifecycle { get; set; }
}

/// <summary>An environment variable.</summary>
public sealed class EnvVar
{
    /// <summary>Variable name.</summary>
    public string? Name { get; set; }

    /// <summary>Literal value.</summary>
    public string? Value { get; set; }

    /// <summary>Value taken from a config map, secret or field.</summary>
    public EnvVarSource? ValueFrom { get; set; }
}

/// <summary>Where an environment variable's value comes from.</summary>
public sealed class EnvVarSource
{
    /// <summary>A key of a config map.</summary>
    public KeySelector? ConfigMapKeyRef { get; set; }

    /// <summary>A key of a secret.</summary>
    public KeySelector? SecretKeyRef { get; set; }

    /// <summary>A field of the pod (kept as given).</summary>
    public JsonObject? FieldRef { get; set; }

    /// <summary>A resource of the container (kept as given).</summary>
    public JsonObject? ResourceFieldRef { get; set; }
}

/// <summary>A key in a config map or secret.</summary>
public sealed class KeySelector
{
    /// <summary>Config map or secret name.</summary>
    public string? Name { get; set; }

    /// <summary>Key in it.</summary>
    public string? Key { get; set; }

    /// <summary>Whether a missing key is tolerated.</summary>
    public bool? Optional { get; set; }
}

/// <summary>Environment variables imported from a whole config map or secret.</summary>
public sealed class EnvFromSource
{
    /// <summary>Prefix added to every key.</summary>
    public string? Prefix { get; set; }

    /// <summary>The config map.</summary>
    public OptionalObjectReference? ConfigMapRef { get; set; }

    /// <summary>The secret.</summary>
    public OptionalObjectReference? SecretRef { get; set; }
}

/// <summary>A reference by name that may be optional.</summary>
public sealed class OptionalObjectReference
{
    /// <summary>Name.</summary>
    public string? Name { get; set; }

    /// <summary>Whether a missing object is tolerated.</summary>
    public bool? Optional { get; set; }
}

/// <summary>A reference by name to an object in the same namespace.</summary>
public sealed class LocalObjectReference
{
    /// <summary>Name.</summary>
    public string? Name { get; set; }
}

/// <summary>A container port.</summary>
public sealed class ContainerPortSpec
{
    /// <summary>Empty, <c>http1</c> or <c>h2c</c> in Knative.</summary>
    public string? Name { get; set; }

    /// <summary>Port number, 1..65535, not one of Knative's reserved ports.</summary>
    public int? ContainerPort { get; set; }

    /// <summary>Only TCP is allowed.</summary>
    public string? Protocol { get; set; }

    /// <summary>Host port (not allowed by Knative; kept so it can be refused with its path).</summary>
    public int? HostPort { get; set; }

    /// <summary>Host IP (not allowed by Knative).</summary>
    public string? HostIP { get; set; }
}

/// <summary>A health probe.</summary>
public sealed class Probe
{
    /// <summary>HTTP GET probe.</summary>
    public HttpGetAction? HttpGet { get; set; }

    /// <summary>TCP connect probe.</summary>
    public TcpSocketAction? TcpSocket { get; set; }

    /// <summary>gRPC health probe.</summary>
    public GrpcAction? Grpc { get; set; }

    /// <summary>Command probe.</summary>
    public ExecAction? Exec { get; set; }

    /// <summary>Delay before the first probe.</summary>
    public int? InitialDelaySeconds { get; set; }

    /// <summary>Interval between probes; 0 on a readiness probe means aggressive probing (every 50 ms).</summary>
    public int? PeriodSeconds { get; set; }

    /// <summary>Timeout of one probe.</summary>
    public int? TimeoutSeconds { get; set; }

    /// <summary>Successes needed to be considered healthy.</summary>
    public int? SuccessThreshold { get; set; }

    /// <summary>Failures needed to be considered unhealthy.</summary>
    public int? FailureThreshold { get; set; }

    /// <summary>Grace period on liveness failure.</summary>
    public long? TerminationGracePeriodSeconds { get; set; }
}

/// <summary>HTTP GET probe.</summary>
public sealed class HttpGetAction
{
    /// <summary>Path to request.</summary>
    public string? Path { get; set; }

    /// <summary>Port number or name; defaults to the user port.</summary>
    public IntOrString? Port { get; set; }

    /// <summary>Host to connect to.</summary>
    public string? Host { get; set; }

    /// <summary>HTTP or HTTPS.</summary>
    public string? Scheme { get; set; }

    /// <summary>Extra request headers.</summary>
    public List<HttpHeader>? HttpHeaders { get; set; }
}

/// <summary>An HTTP header.</summary>
public sealed class HttpHeader
{
    /// <summary>Header name.</summary>
    public string? Name { get; set; }

    /// <summary>Header value.</summary>
    public string? Value { get; set; }
}

/// <summary>TCP connect probe.</summary>
public sealed class TcpSocketAction
{
    /// <summary>Port number or name; defaults to the user port.</summary>
    public IntOrString? Port { get; set; }

    /// <summary>Host to connect to.</summary>
    public string? Host { get; set; }
}

/// <summary>gRPC health probe.</summary>
public sealed class GrpcAction
{
    /// <summary>Port number.</summary>
    public int? Port { get; set; }

    /// <summary>Service name passed to the health check.</summary>
    public string? Service { get; set; }
}

/// <summary>Command probe.</summary>
public sealed class ExecAction
{
    /// <summary>Command to run.</summary>
    public List<string>? Command { get; set; }
}

/// <summary>Compute resources.</summary>
public sealed class ResourceRequirements
{
    /// <summary>Upper bounds (cpu, memory, ...).</summary>
    public Dictionary<string, Quantity>? Limits { get; set; }

    /// <summary>Guaranteed amounts.</summary>
    public Dictionary<string, Quantity>? Requests { get; set; }
}

/// <summary>Container security settings.</summary>
public sealed class SecurityContext
{
    /// <summary>User id.</summary>
    public long? RunAsUser { get; set; }

    /// <summary>Group id.</summary>
    public long? RunAsGroup { get; set; }

    /// <summary>Refuse to run as root.</summary>
    public bool? RunAsNonRoot { get; set; }

    /// <summary>Read-only root filesystem.</summary>
    public bool? ReadOnlyRootFilesystem { get; set; }

    /// <summary>Allow privilege escalation.</summary>
    public bool? AllowPrivilegeEscalation { get; set; }

    /// <summary>Privileged mode (refused by Knative).</summary>
    public bool? Privileged { get; set; }

    /// <summary>Added and dropped capabilities.</summary>
    public Capabilities? Capabilities { get; set; }

    /// <summary>Seccomp profile.</summary>
    public SeccompProfile? SeccompProfile { get; set; }
}

/// <summary>Linux capabilities.</summary>
public sealed class Capabilities
{
    /// <summary>Added.</summary>
    public List<string>? Add { get; set; }

    /// <summary>Dropped.</summary>
    public List<string>? Drop { get; set; }
}

/// <summary>Seccomp profile.</summary>
public sealed class SeccompProfile
{
    /// <summary>RuntimeDefault, Localhost or Unconfined.</summary>
    public string? Type { get; set; }

    /// <summary>Profile path for Localhost.</summary>
    public string? LocalhostProfile { get; set; }
}

/// <summary>A volume mount.</summary>
public sealed class VolumeMount
{
    /// <summary>Name of a volume of the pod.</summary>
    public string? Name { get; set; }

    /// <summary>Where it is mounted.</summary>
    public string? MountPath { get; set; }

    /// <summary>Sub path in the volume.</summary>
    public string? SubPath { get; set; }

    /// <summary>Read-only mount.</summary>
    public bool? ReadOnly { get; set; }
}

/// <summary>A volume: config map, secret, emptyDir, projected or persistent volume claim.</summary>
public sealed class Volume
{
    /// <summary>Volume name.</summary>
    public string? Name { get; set; }

    /// <summary>A config map's keys as files.</summary>
    public JsonObject? ConfigMap { get; set; }

    /// <summary>A secret's keys as files.</summary>
    public JsonObject? Secret { get; set; }

    /// <summary>Scratch space.</summary>
    public JsonObject? EmptyDir { get; set; }

    /// <summary>Several sources in one directory.</summary>
    public JsonObject? Projected { get; set; }

    /// <summary>A persistent volume claim.</summary>
    public JsonObject? PersistentVolumeClaim { get; set; }
}

/// <summary>Metadata and spec of a pod template (ContainerSource).</summary>
public sealed class PodTemplateSpec
{
    /// <summary>Pod metadata.</summary>
    public ObjectMeta? Metadata { get; set; }

    /// <summary>Pod spec.</summary>
    public PodSpec? Spec { get; set; }
}

/// <summary>A Kubernetes label selector.</summary>
public sealed class LabelSelector
{
    /// <summary>Labels that must match exactly.</summary>
    public Dictionary<string, string>? MatchLabels { get; set; }

    /// <summary>Set-based requirements.</summary>
    public List<LabelSelectorRequirement>? MatchExpressions { get; set; }
}

/// <summary>A set-based label requirement.</summary>
public sealed class LabelSelectorRequirement
{
    /// <summary>Label key.</summary>
    public string? Key { get; set; }

    /// <summary>In, NotIn, Exists or DoesNotExist.</summary>
    public string? Operator { get; set; }

    /// <summary>Values for In / NotIn.</summary>
    public List<string>? Values { get; set; }
}
