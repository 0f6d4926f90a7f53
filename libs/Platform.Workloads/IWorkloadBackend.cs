using Platform.Serving.Contracts.Revisions;
namespace Platform.Workloads;

/// <summary>
/// How a revision becomes running replicas. The revision reconciler ensures and deletes workloads and reads their
/// status; the autoscaler scales them; the activator watches endpoints. Local mode: processes
/// (<see cref="Local.LocalWorkloadBackend"/>). Kubernetes mode: Deployments scaled by KEDA.
/// </summary>
public interface IWorkloadBackend
{
    /// <summary>
    /// Creates the revision's workload, or updates it when its spec changed (replicas are replaced). Idempotent.
    /// A new workload starts <see cref="RevisionWorkload.InitialScale"/> replicas; an existing one keeps its scale.
    /// </summary>
    Task EnsureAsync(RevisionWorkload workload, CancellationToken cancellationToken = default);

    /// <summary>
    /// True when something outside Platform scales the workloads (Kubernetes: KEDA and the HPA act on the
    /// autoscaler's decision), so <see cref="ScaleAsync"/> is not how a decision is applied. Default false.
    /// </summary>
    bool ExternallyScaled => false;

    /// <summary>
    /// Resolves the digests of the revision's images (the containers that have one), called once per revision by
    /// its reconciler. Null when the workload has no image, or this backend does not resolve digests (Kubernetes: the
    /// kubelet pulls by tag and nothing here reads the pods).
    /// </summary>
    Task<ImageDigestResolution?> ResolveImageDigestsAsync(RevisionWorkload workload, CancellationToken cancellationToken = default) =>
        Task.FromResult<ImageDigestResolution?>(null);

    /// <summary>Starts or stops replicas until <paramref name="replicas"/> exist. False when the revision has no workload.</summary>
    Task<bool> ScaleAsync(RevisionKey revision, int replicas, CancellationToken cancellationToken = default);

    /// <summary>Stops every replica and forgets the workload; returns once nothing of it runs. False when there was none.</summary>
    Task<bool> DeleteAsync(RevisionKey revision, CancellationToken cancellationToken = default);

    /// <summary>
    /// The data plane now routes by the endpoints of the revision's status <paramref name="version"/> (the activator
    /// accepted them): replicas that status had already dropped receive no new requests and may be stopped. Until
    /// then a ready replica picked for scale-down keeps serving, so that no request is sent to a replica on its way
    /// out. Backends whose data plane follows readiness by itself (Kubernetes) ignore it.
    /// </summary>
    void EndpointsApplied(RevisionKey revision, long version)
    {
    }

    /// <summary>The revision's current status, or null when it has no workload.</summary>
    WorkloadStatus? GetStatus(RevisionKey revision);

    /// <summary>The status of every workload.</summary>
    IReadOnlyList<WorkloadStatus> List();

    /// <summary>
    /// The current status of every workload, then each change as it happens (a removed workload ends with
    /// <see cref="WorkloadStatus.Removed"/>), until cancelled.
    /// </summary>
    IAsyncEnumerable<WorkloadStatus> WatchAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The kept lines of the revision's replicas (or of one <paramref name="replica"/>), oldest first; with
    /// <paramref name="follow"/>, then every new line until cancelled or the workload is deleted. Ends at once for an
    /// unknown revision.
    /// </summary>
    IAsyncEnumerable<LogLine> ReadLogsAsync(RevisionKey revision, string? replica = null, bool follow = false, CancellationToken cancellationToken = default);
}
