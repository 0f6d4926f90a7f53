namespace Platform.Workloads.Local;

/// <summary>Settings of the local process backend. Every default is the one documented on its property.</summary>
public sealed record LocalBackendOptions
{
    /// <summary>Directory that relative <c>workingDir</c>s (and a missing one) resolve against. Default: the current directory.</summary>
    public string BaseDirectory { get; init; } = Directory.GetCurrentDirectory();

    /// <summary>Where each replica's output is written, as <c>{LogsDirectory}/{namespace}/{revision}/{replica}.log</c>. Default: <c>{temp}/platform/logs</c>.</summary>
    public string LogsDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "platform", "logs");

    /// <summary>
    /// Where the backend records its running replica processes (<c>replicas.json</c>) so that the next backend reaps
    /// what a killed one left running. Null (the default) records nothing: only a folder of one controller's own
    /// may be used, never one shared by several. <c>platform up</c> sets <c>{checkout}/.platform/run</c>.
    /// </summary>
    public string? StateDirectory { get; init; }

    /// <summary>Lines kept in memory per replica (default 1,000).</summary>
    public int LogLinesPerReplica { get; init; } = 1000;

    /// <summary>Lines of output quoted in a failure message (default 10).</summary>
    public int FailureOutputLines { get; init; } = 10;

    /// <summary>Host the replicas listen on and are probed at (default <c>127.0.0.1</c>).</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>
    /// The variables of this process's environment a replica inherits, under its spec's env and the runtime contract
    /// (<c>PORT</c>, <c>K_SERVICE</c>, <c>K_CONFIGURATION</c>, <c>K_REVISION</c>). Nothing else crosses: not the
    /// controller's <c>DAPR_API_TOKEN</c>, <c>APP_API_TOKEN</c> or sidecar ports, not its settings. Default: what a
    /// program needs to start (<c>PATH</c>, <c>HOME</c>, <c>USER</c>, <c>LANG</c>, <c>LC_ALL</c>, <c>TZ</c>,
    /// <c>TMPDIR</c>, <c>DOTNET_ROOT</c>, <c>SSL_CERT_FILE</c>, <c>SSL_CERT_DIR</c>); empty inherits nothing.
    /// </summary>
    public IReadOnlyList<string> InheritedVariables { get; init; } = DefaultInheritedVariables;

    /// <summary>The default of <see cref="InheritedVariables"/>.</summary>
    public static readonly IReadOnlyList<string> DefaultInheritedVariables =
        ["PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ", "TMPDIR", "DOTNET_ROOT", "SSL_CERT_FILE", "SSL_CERT_DIR"];

    /// <summary>
    /// Replica processes that may be starting at the same time across the backend (default: the number of cores, at
    /// least 2); the others wait, as pods wait for a node, in phase Starting. See <see cref="ReplicaStartGate"/>.
    /// </summary>
    public int MaxConcurrentStarts { get; init; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>Longest a starting replica keeps its start slot when it does not get ready (default 10 s).</summary>
    public TimeSpan StartSlotHold { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Probe interval until ready for TCP, HTTP and gRPC probes, Knative's aggressive probing (default 2 ms): the wait
    /// between the app's listening and the first request held at zero reaching it is half this on average, which a
    /// cold start pays in full. A TCP probe of a port nobody listens on yet is refused at once, so probing this often
    /// costs a few milliseconds of CPU over a whole start (the README's Benchmarks section has the measurements).
    /// </summary>
    public TimeSpan AggressiveProbeInterval { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// Probe interval until ready for exec probes (default 10 ms): each probe starts a process, so a command is not
    /// run as often as a connect is tried.
    /// </summary>
    public TimeSpan AggressiveExecProbeInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Probe interval once ready when the probe's <c>periodSeconds</c> is 0 (default 1 s).</summary>
    public TimeSpan ReadyProbeInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Time between liveness probes that give no <c>periodSeconds</c> (default 10 s, Kubernetes' default).</summary>
    public TimeSpan LivenessProbeInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>First restart delay of a crashed replica (default 1 s); doubles on each crash in a row.</summary>
    public TimeSpan InitialRestartDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest restart delay (default 30 s).</summary>
    public TimeSpan MaxRestartDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A replica ready for this long before it exits restarts with the initial delay again (default 60 s).</summary>
    public TimeSpan RestartDelayResetAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Exits before readiness, in a row across the revision, that mark it failed with <c>ExitCode{n}</c> (default 3).</summary>
    public int ExitsBeforeFailure { get; init; } = 3;

    /// <summary>A revision with no ready replica this long after it was asked for some fails with <c>ProgressDeadlineExceeded</c> (default 120 s; Knative: 600 s).</summary>
    public TimeSpan ProgressDeadline { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Time between SIGTERM and SIGKILL when a replica stops and the revision gives no grace period (default 10 s).</summary>
    public TimeSpan TerminationGracePeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a ready replica picked for scale-down keeps running until the data plane has stopped routing to it
    /// (<see cref="IWorkloadBackend.EndpointsApplied"/>), before it is sent SIGTERM anyway (default 5 s; zero stops at
    /// once). In-flight requests then finish within the grace period.
    /// </summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The Docker engine's socket, pinged (<c>GET /_ping</c>) before running an image without command. Default <c>/var/run/docker.sock</c>.</summary>
    public string DockerSocketPath { get; init; } = "/var/run/docker.sock";

    /// <summary>The docker CLI used to run images and resolve their digests (default <c>docker</c>, found on PATH).</summary>
    public string DockerCommand { get; init; } = "docker";

    /// <summary>
    /// Registries whose images get no digest (Knative's <c>registries-skipping-tag-resolving</c>, same default:
    /// <c>kind.local</c>, <c>ko.local</c>, <c>dev.local</c>); Docker Hub is <c>index.docker.io</c> (or <c>docker.io</c>).
    /// </summary>
    public IReadOnlyList<string> RegistriesSkippingTagResolving { get; init; } = ["kind.local", "ko.local", "dev.local"];

    /// <summary>Longest wait for <c>docker image inspect</c> (default 10 s).</summary>
    public TimeSpan DigestTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
