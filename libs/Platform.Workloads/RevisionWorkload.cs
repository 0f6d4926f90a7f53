using Platform.Serving.Contracts.Revisions;
namespace Platform.Workloads;

/// <summary>
/// Everything a backend needs to run a revision's replicas: the revision's identity and the single user container,
/// already defaulted and checked. Built from the typed Revision by <see cref="RevisionWorkloadBuilder"/>.
/// </summary>
public sealed record RevisionWorkload
{
    /// <summary>The revision.</summary>
    public required RevisionKey Revision { get; init; }

    /// <summary>The revision's uid, when the store assigned one (owner references in Kubernetes).</summary>
    public string? Uid { get; init; }

    /// <summary>The Knative Service (label <c>serving.knative.dev/service</c>), or empty for a bare Configuration.</summary>
    public string Service { get; init; } = "";

    /// <summary>The Configuration (label <c>serving.knative.dev/configuration</c>).</summary>
    public string Configuration { get; init; } = "";

    /// <summary>The revision's labels, including <c>serving.knative.dev/revision</c>.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The revision's annotations (autoscaling settings among them).</summary>
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    /// <summary>The container's name (default <c>user-container</c>).</summary>
    public string ContainerName { get; init; } = "user-container";

    /// <summary>The image; optional when <see cref="Command"/> is given (local mode runs the command).</summary>
    public string? Image { get; init; }

    /// <summary>Entrypoint: program and its leading arguments. Empty: the image's own entrypoint.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>Arguments after the entrypoint.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>Working directory; relative paths are resolved by the backend (local: against its base directory).</summary>
    public string? WorkingDir { get; init; }

    /// <summary>Environment variables, in the spec's order (literal, or from a ConfigMap or Secret key).</summary>
    public IReadOnlyList<EnvironmentVariable> Env { get; init; } = [];

    /// <summary>Whole ConfigMaps and Secrets imported as variables (<c>envFrom</c>).</summary>
    public IReadOnlyList<EnvironmentReference> EnvFrom { get; init; } = [];

    /// <summary>The other containers of the revision, started with every replica and stopped with it.</summary>
    public IReadOnlyList<SidecarContainer> Sidecars { get; init; } = [];

    /// <summary>The declared container port (what <c>PORT</c> is in Kubernetes), default 8080.</summary>
    public int ContainerPort { get; init; } = 8080;

    /// <summary>The port's name: empty, <c>http1</c> or <c>h2c</c>.</summary>
    public string PortName { get; init; } = "";

    /// <summary>How readiness is checked (Knative's default: TCP on the user port, aggressive).</summary>
    public ProbeCheck Readiness { get; init; } = ProbeCheck.DefaultTcp;

    /// <summary>
    /// The liveness probe, or null: once started, a replica failing it <see cref="ProbeCheck.FailureThreshold"/>
    /// times in a row is restarted (with the crash back-off), as the kubelet does.
    /// </summary>
    public ProbeCheck? Liveness { get; init; }

    /// <summary>
    /// The startup probe, or null: readiness and liveness probing begin only once it succeeded; failing it
    /// <see cref="ProbeCheck.FailureThreshold"/> times in a row restarts the replica.
    /// </summary>
    public ProbeCheck? Startup { get; init; }

    /// <summary>The container's <c>resources.requests</c> as written (<c>cpu: 250m</c>, <c>memory: 128Mi</c>).</summary>
    public IReadOnlyDictionary<string, string> Requests { get; init; } = new Dictionary<string, string>();

    /// <summary>The container's <c>resources.limits</c> as written.</summary>
    public IReadOnlyDictionary<string, string> Limits { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The container's <c>resources.requests.cpu</c> in cores (<c>500m</c> is 0.5), or null: what the HPA class
    /// measures CPU utilization against, as Kubernetes' HPA does.
    /// </summary>
    public double? CpuRequestCores { get; init; }

    /// <summary>Maximum requests in flight per replica; 0 = unlimited.</summary>
    public int ContainerConcurrency { get; init; }

    /// <summary>Request timeout in seconds (default 300).</summary>
    public int TimeoutSeconds { get; init; } = 300;

    /// <summary>Seconds a stopping replica gets between SIGTERM and SIGKILL; null = the backend's default.</summary>
    public int? TerminationGracePeriodSeconds { get; init; }

    /// <summary><c>autoscaling.knative.dev/min-scale</c> (default 0).</summary>
    public int MinScale { get; init; }

    /// <summary><c>autoscaling.knative.dev/max-scale</c>; 0 = unlimited.</summary>
    public int MaxScale { get; init; }

    /// <summary>Replicas started when the workload is first ensured: <c>initial-scale</c> (default 1), at least min-scale.</summary>
    public int InitialScale { get; init; } = 1;
}

/// <summary>An environment variable: a literal value, or a key of a ConfigMap or Secret.</summary>
/// <param name="Name">Variable name.</param>
/// <param name="Value">Its value (empty when the spec gives none, or when <paramref name="From"/> is set).</param>
/// <param name="From">The ConfigMap or Secret key it comes from (<c>valueFrom</c>), or null for a literal.</param>
public sealed record EnvironmentVariable(string Name, string Value, EnvironmentReference? From = null);

/// <summary>Where an environment variable or a set of them comes from: a ConfigMap or a Secret of the namespace.</summary>
/// <param name="Kind"><c>ConfigMap</c> or <c>Secret</c>.</param>
/// <param name="Name">The object's name.</param>
/// <param name="Key">The key (<c>valueFrom</c>); null for every key (<c>envFrom</c>).</param>
/// <param name="Optional">A missing object or key is not an error.</param>
/// <param name="Prefix">Prefix of the variables' names (<c>envFrom</c> only).</param>
public sealed record EnvironmentReference(string Kind, string Name, string? Key, bool Optional, string? Prefix = null)
{
    /// <summary>A ConfigMap.</summary>
    public const string ConfigMap = "ConfigMap";

    /// <summary>A Secret.</summary>
    public const string Secret = "Secret";
}

/// <summary>A container of the revision beside the serving one (Knative's multi-container revisions): no port, no probes.</summary>
public sealed record SidecarContainer
{
    /// <summary>The container's name (unique in the revision).</summary>
    public required string Name { get; init; }

    /// <summary>The image; optional when <see cref="Command"/> is given.</summary>
    public string? Image { get; init; }

    /// <summary>Entrypoint: program and its leading arguments.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>Arguments after the entrypoint.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>Working directory.</summary>
    public string? WorkingDir { get; init; }

    /// <summary>Environment variables, in the spec's order.</summary>
    public IReadOnlyList<EnvironmentVariable> Env { get; init; } = [];

    /// <summary>Whole ConfigMaps and Secrets imported as variables (<c>envFrom</c>).</summary>
    public IReadOnlyList<EnvironmentReference> EnvFrom { get; init; } = [];

    /// <summary>The container's <c>resources.requests</c> as written.</summary>
    public IReadOnlyDictionary<string, string> Requests { get; init; } = new Dictionary<string, string>();

    /// <summary>The container's <c>resources.limits</c> as written.</summary>
    public IReadOnlyDictionary<string, string> Limits { get; init; } = new Dictionary<string, string>();
}

/// <summary>How a probe connects.</summary>
public enum ProbeKind
{
    /// <summary>A TCP connect to the replica's port.</summary>
    Tcp,

    /// <summary>An HTTP GET whose status is 200..399.</summary>
    Http,

    /// <summary>A command that exits 0 (locally run beside the replica, with its environment and working directory).</summary>
    Exec,

    /// <summary>A <c>grpc.health.v1.Health/Check</c> answered <c>SERVING</c>.</summary>
    Grpc,
}

/// <summary>
/// One of the container's probes (readiness, liveness or startup), defaulted: Knative's default readiness probe is
/// TCP on the user port with <c>periodSeconds</c> 0, i.e. aggressive probing (every 2 ms; an exec probe every 10 ms) until ready.
/// </summary>
public sealed record ProbeCheck
{
    /// <summary>Knative's default: TCP on the user port, aggressive.</summary>
    public static ProbeCheck DefaultTcp { get; } = new();

    /// <summary>TCP, HTTP, exec or gRPC.</summary>
    public ProbeKind Kind { get; init; } = ProbeKind.Tcp;

    /// <summary>The command of an exec probe (program and arguments).</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>The service name a gRPC probe asks about (empty: the server as a whole).</summary>
    public string GrpcService { get; init; } = "";

    /// <summary>HTTP path (HTTP probes), default <c>/</c>.</summary>
    public string Path { get; init; } = "/";

    /// <summary><c>HTTP</c> or <c>HTTPS</c>.</summary>
    public string Scheme { get; init; } = "HTTP";

    /// <summary>Extra request headers (HTTP probes).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>The probe's port when it names one other than the user port (Kubernetes only; local replicas are always probed on their <c>PORT</c>).</summary>
    public int? Port { get; init; }

    /// <summary>Delay before the first probe, seconds.</summary>
    public int InitialDelaySeconds { get; init; }

    /// <summary>
    /// Seconds between probes; 0 = the default of the probe's role: aggressive readiness and startup probing (every
    /// 2 ms, an exec probe every 10 ms, until it passes, then 1 s), Kubernetes' 10 s for liveness.
    /// </summary>
    public int PeriodSeconds { get; init; }

    /// <summary>Timeout of one probe, seconds (default 1).</summary>
    public int TimeoutSeconds { get; init; } = 1;

    /// <summary>Consecutive failures that make a ready replica not ready, or a live one restarted (default 3).</summary>
    public int FailureThreshold { get; init; } = 3;

    /// <summary>Consecutive successes that make a replica ready (default 1).</summary>
    public int SuccessThreshold { get; init; } = 1;
}
