using Microsoft.Extensions.Logging;
using Platform.Serving.Contracts.Revisions;

namespace Platform.Workloads.Local;

/// <summary>The local backend's log messages; event ids 4100-4199 belong to workloads.</summary>
internal static partial class WorkloadLog
{
    [LoggerMessage(4100, LogLevel.Information, "Revision {Revision}: replica {Replica} started, pid {Pid}, port {Port}")]
    public static partial void ReplicaStarted(ILogger logger, RevisionKey revision, string replica, int pid, int port);

    [LoggerMessage(4101, LogLevel.Information, "Revision {Revision}: replica {Replica} is {Phase}")]
    public static partial void ReplicaPhase(ILogger logger, RevisionKey revision, string replica, ReplicaPhase phase);

    [LoggerMessage(4102, LogLevel.Warning, "Revision {Revision}: replica {Replica} exited with code {ExitCode}; restart #{Restarts} in {Delay}")]
    public static partial void ReplicaExited(ILogger logger, RevisionKey revision, string replica, int exitCode, int restarts, TimeSpan delay);

    [LoggerMessage(4103, LogLevel.Warning, "Revision {Revision} failed: {Reason}: {Message}")]
    public static partial void RevisionFailed(ILogger logger, RevisionKey revision, string reason, string message);

    [LoggerMessage(4104, LogLevel.Information, "Revision {Revision}: scaling to {Desired} replicas")]
    public static partial void Scaling(ILogger logger, RevisionKey revision, int desired);

    [LoggerMessage(4105, LogLevel.Information, "Revision {Revision}: replica {Replica} stopped")]
    public static partial void ReplicaStopped(ILogger logger, RevisionKey revision, string replica);

    [LoggerMessage(4108, LogLevel.Warning, "Revision {Revision}: replica {Replica} stops without the activator's word that it routes elsewhere (none within {Timeout})")]
    public static partial void DrainTimedOut(ILogger logger, RevisionKey revision, string replica, TimeSpan timeout);

    [LoggerMessage(4109, LogLevel.Warning, "Revision {Revision}: replica {Replica} is restarted: {Reason}")]
    public static partial void ReplicaUnhealthy(ILogger logger, RevisionKey revision, string replica, string reason);

    [LoggerMessage(4107, LogLevel.Error, "Revision {Revision}: replica {Replica} stopped on an unexpected error")]
    public static partial void ReplicaBroken(ILogger logger, RevisionKey revision, string replica, Exception error);

    [LoggerMessage(4120, LogLevel.Warning, "Revision {Revision}: replica {Replica} (pid {Pid}) was left running by a previous controller; killed")]
    public static partial void ReplicaReaped(ILogger logger, string revision, string replica, int pid);

    [LoggerMessage(4106, LogLevel.Information, "Revision {Revision}: workload deleted")]
    public static partial void Deleted(ILogger logger, RevisionKey revision);
}
