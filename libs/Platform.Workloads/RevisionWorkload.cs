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

    /// <summary>Literal environment variables, in the spec's order.</summary>
    public IReadOnlyList<EnvironmentVariable> Env { get; init; } = [];

    /// <summary>The declared container port (what <c>PORT</c> is in Kubernetes), default 8080.</summary>
    public int ContainerPort { get; init; } = 8080;

    /// <summary>The port's name: empty, <c>http1</c> or <c>h2c</c>.</summary>
    public string PortName { get; init; } = "";

    /// <summary>How readiness is checked.</summary>
    public ReadinessCheck Readiness { get; init; } = ReadinessCheck.DefaultTcp;

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

/// <summary>A literal environment variable.</summary>
/// <param name="Name">Variable name.</param>
/// <param name="Value">Its value (empty when the spec gives none).</param>
public sealed record EnvironmentVariable(string Name, string Value);

/// <summary>How a probe connects.</summary>
public enum ProbeKind
{
    /// <summary>A TCP connect to the replica's port.</summary>
    Tcp,

    /// <summary>An HTTP GET whose status is 200..399.</summary>
    Http,
}

/// <summary>
/// The container's readiness probe, defaulted: Knative's default is a TCP probe on the user port with
/// <c>periodSeconds</c> 0, i.e. aggressive probing (every 50 ms) until ready.
/// </summary>
public sealed record ReadinessCheck
{
    /// <summary>Knative's default: TCP on the user port, aggressive.</summary>
    public static ReadinessCheck DefaultTcp { get; } = new();

    /// <summary>TCP or HTTP.</summary>
    public ProbeKind Kind { get; init; } = ProbeKind.Tcp;

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

    /// <summary>Seconds between probes once ready; 0 = Knative's aggressive probing (1 s between probes once ready).</summary>
    public int PeriodSeconds { get; init; }

    /// <summary>Timeout of one probe, seconds (default 1).</summary>
    public int TimeoutSeconds { get; init; } = 1;

    /// <summary>Consecutive failures that make a ready replica not ready (default 3).</summary>
    public int FailureThreshold { get; init; } = 3;

    /// <summary>Consecutive successes that make a replica ready (default 1).</summary>
    public int SuccessThreshold { get; init; } = 1;
}
