using Platform.Serving.Contracts.Revisions;
namespace Platform.Workloads;

/// <summary>
/// What a backend observes of a revision's workload. Published on every change (a replica becomes ready or not
/// ready, starts, exits, a failure appears or clears) through <see cref="IWorkloadBackend.WatchAsync"/>.
/// </summary>
public sealed record WorkloadStatus
{
    /// <summary>The revision.</summary>
    public required RevisionKey Revision { get; init; }

    /// <summary>Increases with every change of this revision's status, so watchers can drop stale copies.</summary>
    public long Version { get; init; }

    /// <summary>Replicas asked for (the last <see cref="IWorkloadBackend.ScaleAsync"/>, or the initial scale).</summary>
    public int Desired { get; init; }

    /// <summary>Replicas that exist: starting, ready, not ready or waiting to restart.</summary>
    public int Actual { get; init; }

    /// <summary>Replicas that pass their readiness probe.</summary>
    public int Ready { get; init; }

    /// <summary>The endpoints of the ready replicas; what the activator forwards to.</summary>
    public IReadOnlyList<ReplicaEndpoint> Endpoints { get; init; } = [];

    /// <summary>Every replica, for <c>service describe</c> and log selection.</summary>
    public IReadOnlyList<ReplicaStatus> Replicas { get; init; } = [];

    /// <summary>Restarts of crashed replicas since the workload was ensured.</summary>
    public int Restarts { get; init; }

    /// <summary>Why the revision cannot become ready (<c>Ready=False</c>), or null.</summary>
    public WorkloadFailure? Failure { get; init; }

    /// <summary>True on the last status of a deleted workload.</summary>
    public bool Removed { get; init; }
}

/// <summary>Where a ready replica answers.</summary>
/// <param name="Replica">The replica's name, e.g. <c>hello-00001-2</c>.</param>
/// <param name="Host">Host to connect to (local: <c>127.0.0.1</c>).</param>
/// <param name="Port">Port to connect to.</param>
public sealed record ReplicaEndpoint(string Replica, string Host, int Port)
{
    /// <summary><c>host:port</c>.</summary>
    public string Authority => $"{Host}:{Port}";
}

/// <summary>The lifecycle phase of one replica.</summary>
public enum ReplicaPhase
{
    /// <summary>The process runs (or is being started) and has not passed its readiness probe yet.</summary>
    Starting,

    /// <summary>Passes its readiness probe; receives traffic.</summary>
    Ready,

    /// <summary>Was ready, then failed <c>failureThreshold</c> probes in a row.</summary>
    NotReady,

    /// <summary>The process exited; waiting for the restart delay (crash-loop back-off).</summary>
    BackingOff,

    /// <summary>Being stopped (SIGTERM sent, SIGKILL after the grace period).</summary>
    Stopping,
}

/// <summary>One replica as seen by the backend.</summary>
/// <param name="Name">Stable name across restarts, <c>{revision}-{ordinal}</c>.</param>
/// <param name="Phase">Lifecycle phase.</param>
/// <param name="ProcessId">The running process (local), or null.</param>
/// <param name="Port">The port given through <c>PORT</c>, or null before the first start.</param>
/// <param name="Restarts">Times this replica was restarted after its process exited.</param>
/// <param name="LastExitCode">Exit code of the last exit, or null.</param>
public sealed record ReplicaStatus(string Name, ReplicaPhase Phase, int? ProcessId, int? Port, int Restarts, int? LastExitCode);

/// <summary>Why a revision's workload cannot become ready: maps to <c>Ready=False</c> with this reason and message.</summary>
/// <param name="Reason">CamelCase reason: <c>ExitCode{n}</c>, <c>CommandNotFound</c>, <c>ContainerMissing</c>, <c>ProgressDeadlineExceeded</c>, <c>WorkingDirNotFound</c>.</param>
/// <param name="Message">Human-readable message, ending with the last lines of output when there are any.</param>
/// <param name="LastOutput">The last lines the failing replica wrote (stdout and stderr).</param>
public sealed record WorkloadFailure(string Reason, string Message, IReadOnlyList<string> LastOutput)
{
    /// <summary>
    /// The revision condition the failure belongs to, as in Knative: <c>ResourcesAvailable</c> for
    /// <c>ProgressDeadlineExceeded</c>, <c>ContainerHealthy</c> for everything the container itself causes.
    /// </summary>
    public string ConditionType => WorkloadFailureReasons.IsResources(Reason) ? "ResourcesAvailable" : "ContainerHealthy";
}

/// <summary>The failure reasons a backend reports.</summary>
public static class WorkloadFailureReasons
{
    /// <summary>Replicas keep exiting before becoming ready: <c>ExitCode{code}</c>, as Knative names it.</summary>
    public static string ExitCode(int code) => $"ExitCode{code}";

    /// <summary>The container's command is not an executable file.</summary>
    public const string CommandNotFound = "CommandNotFound";

    /// <summary>The container cannot be run: image without command and no Docker engine, or an image that cannot be pulled.</summary>
    public const string ContainerMissing = "ContainerMissing";

    /// <summary>No replica became ready within the progress deadline.</summary>
    public const string ProgressDeadlineExceeded = "ProgressDeadlineExceeded";

    /// <summary>The working directory does not exist.</summary>
    public const string WorkingDirNotFound = "WorkingDirNotFound";

    /// <summary>An environment variable comes from a ConfigMap or Secret, which the local backend has nowhere to read from.</summary>
    public const string ConfigSourceUnavailable = "ConfigSourceUnavailable";

    /// <summary>Kubernetes: the cluster has no KEDA (no <c>scaledobjects.keda.sh</c> CRD), so nothing scales the revision.</summary>
    public const string KedaNotInstalled = "KedaNotInstalled";

    /// <summary>Kubernetes: the revision asks for a Dapr sidecar (<c>dapr.io/enabled</c>) and the cluster has no Dapr.</summary>
    public const string DaprNotInstalled = "DaprNotInstalled";

    /// <summary>Kubernetes: the controller's role may not write one of the revision's objects (RBAC).</summary>
    public const string Forbidden = "Forbidden";

    /// <summary>Kubernetes: the Deployment reports <c>ReplicaFailure</c> (quota, admission, a pod that cannot be created).</summary>
    public const string ReplicaFailure = "ReplicaFailure";

    /// <summary>
    /// Whether a failure is about the revision's resources (Knative's <c>ResourcesAvailable</c>) rather than its
    /// container (<c>ContainerHealthy</c>).
    /// </summary>
    public static bool IsResources(string reason) =>
        reason is ProgressDeadlineExceeded or KedaNotInstalled or DaprNotInstalled or Forbidden or ReplicaFailure;
}

/// <summary>Which output stream a log line came from.</summary>
public enum LogStream
{
    /// <summary>Standard output.</summary>
    Stdout,

    /// <summary>Standard error.</summary>
    Stderr,
}

/// <summary>One line a replica wrote.</summary>
/// <param name="Sequence">Increases with every line of the revision: orders lines of several replicas.</param>
/// <param name="Time">When the line was read.</param>
/// <param name="Replica">The replica's name.</param>
/// <param name="Stream">stdout or stderr.</param>
/// <param name="Text">The line, without its line break.</param>
public sealed record LogLine(long Sequence, DateTimeOffset Time, string Replica, LogStream Stream, string Text);
