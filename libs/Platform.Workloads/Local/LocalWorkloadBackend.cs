using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Serving.Contracts.Revisions;

namespace Platform.Workloads.Local;

/// <summary>
/// The local workload backend: each replica of a revision is a process started from the container's command and
/// args (or <c>docker run</c> of its image when a Docker engine is reachable), with <c>PORT</c> (a free loopback
/// port per replica), <c>K_SERVICE</c>, <c>K_CONFIGURATION</c>, <c>K_REVISION</c> and the spec's env. Replicas are
/// probed for readiness, restarted with back-off when they crash, and stopped with their whole process group.
/// Dispose it to stop every replica.
/// </summary>
public sealed class LocalWorkloadBackend : IWorkloadBackend, IAsyncDisposable
{
    private readonly Lock _revisionsGate = new();
    private readonly Dictionary<RevisionKey, RevisionRunner> _revisions = [];
    private readonly Lock _watchersGate = new();
    private readonly List<Channel<WorkloadStatus>> _watchers = [];

    /// <summary>Creates the backend.</summary>
    /// <param name="options">Settings; null for the defaults.</param>
    /// <param name="time">Clock for probes, back-off and deadlines; null for the system clock.</param>
    /// <param name="logger">Logger; null for none.</param>
    public LocalWorkloadBackend(LocalBackendOptions? options = null, TimeProvider? time = null, ILogger<LocalWorkloadBackend>? logger = null)
    {
        Options = options ?? new LocalBackendOptions();
        Time = time ?? TimeProvider.System;
        Logger = logger ?? (ILogger)NullLogger.Instance;
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.MaxConcurrentStarts, 1, "options.MaxConcurrentStarts");
        StartGate = new ReplicaStartGate(Options.MaxConcurrentStarts, Options.StartSlotHold, Time);
        if (Options.StateDirectory is { Length: > 0 } state)
        {
            Records = new ReplicaRecords(state);
            foreach (var reaped in Records.ReapLeftovers())
            {
                WorkloadLog.ReplicaReaped(Logger, reaped.Revision, reaped.Replica, reaped.Pid);
            }
        }
    }

    /// <summary>The settings in use.</summary>
    public LocalBackendOptions Options { get; }

    internal TimeProvider Time { get; }

    internal ILogger Logger { get; }

    internal ReplicaProber Prober { get; } = new();

    internal ReplicaStartGate StartGate { get; }

    /// <summary>The on-disk record of running replicas, or null when <see cref="LocalBackendOptions.StateDirectory"/> is unset.</summary>
    internal ReplicaRecords? Records { get; }

    /// <inheritdoc />
    public async Task EnsureAsync(RevisionWorkload workload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var docker = workload.Command.Count == 0 && await DockerEngine.IsReachableAsync(Options.DockerSocketPath, TimeSpan.FromSeconds(1), cancellationToken);
        RevisionRunner runner;
        bool created;
        lock (_revisionsGate)
        {
            created = !_revisions.TryGetValue(workload.Revision, out runner!);
            if (created)
            {
                runner = new RevisionRunner(this, workload, docker);
                _revisions[workload.Revision] = runner;
            }
        }

        await runner.Operations.WaitAsync(cancellationToken);
        try
        {
            if (created)
            {
                WorkloadLog.Scaling(Logger, workload.Revision, workload.InitialScale);
                runner.Scale(workload.InitialScale);
                return;
            }

            if (Fingerprint(runner.Workload) == Fingerprint(workload) && runner.DockerReachable == docker)
            {
                return;
            }

            // A changed spec replaces every replica: stop the old ones, then start as many new ones.
            var desired = runner.Desired;
            await Task.WhenAll(runner.Scale(0).Select(r => r.Completion));
            runner.Replace(workload, docker);
            runner.Scale(desired);
        }
        finally
        {
            runner.Operations.Release();
        }
    }

    /// <inheritdoc />
    public Task<ImageDigestResolution?> ResolveImageDigestsAsync(RevisionWorkload workload, CancellationToken cancellationToken = default) =>
        DockerImageDigests.ResolveAsync(workload, Options, cancellationToken);

    /// <inheritdoc />
    public async Task<bool> ScaleAsync(RevisionKey revision, int replicas, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(replicas);
        var runner = Find(revision);
        if (runner is null)
        {
            return false;
        }

        await runner.Operations.WaitAsync(cancellationToken);
        IReadOnlyList<ReplicaRunner> stopping;
        try
        {
            if (runner.Desired != replicas)
            {
                WorkloadLog.Scaling(Logger, revision, replicas);
            }

            stopping = runner.Scale(replicas);
        }
        finally
        {
            runner.Operations.Release();
        }

        // Waiting outside the operation lock lets a scale-up come in while old replicas finish their grace period.
        await Task.WhenAll(stopping.Select(r => r.Completion));
        return true;
    }

    /// <inheritdoc />
    public void EndpointsApplied(RevisionKey revision, long version) => Find(revision)?.EndpointsApplied(version);

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(RevisionKey revision, CancellationToken cancellationToken = default)
    {
        RevisionRunner? runner;
        lock (_revisionsGate)
        {
            if (_revisions.Remove(revision, out runner))
            {
                // Removed from the map first: no operation can start new replicas from here on.
            }
        }

        if (runner is null)
        {
            return false;
        }

        await runner.Operations.WaitAsync(CancellationToken.None);
        try
        {
            await Task.WhenAll(runner.Delete().Select(r => r.Completion));
            runner.Removed();
        }
        finally
        {
            runner.Operations.Release();
        }

        WorkloadLog.Deleted(Logger, revision);
        return true;
    }

    /// <inheritdoc />
    public WorkloadStatus? GetStatus(RevisionKey revision) => Find(revision)?.Status();

    /// <summary>The CPU and memory used so far by each ready replica of <paramref name="revision"/> (the HPA class's metrics).</summary>
    public IReadOnlyList<ReplicaUsage> Usage(RevisionKey revision) =>
        GetStatus(revision) is not { } status ? [] :
        [.. status.Replicas.Where(r => r.Phase == ReplicaPhase.Ready && r.ProcessId is not null)
            .Select(r => ProcessUsage.Read(r.Name, r.ProcessId!.Value)).OfType<ReplicaUsage>()];

    /// <inheritdoc />
    public IReadOnlyList<WorkloadStatus> List()
    {
        RevisionRunner[] runners;
        lock (_revisionsGate)
        {
            runners = [.. _revisions.Values];
        }

        return [.. runners.Select(r => r.Status())];
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<WorkloadStatus> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<WorkloadStatus>(new UnboundedChannelOptions { SingleReader = true });
        lock (_watchersGate)
        {
            RevisionRunner[] runners;
            lock (_revisionsGate)
            {
                runners = [.. _revisions.Values];
            }

            foreach (var runner in runners)
            {
                if (runner.LastStatus is { } status)
                {
                    channel.Writer.TryWrite(status);
                }
            }

            _watchers.Add(channel);
        }

        try
        {
            await foreach (var status in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return status;
            }
        }
        finally
        {
            lock (_watchersGate)
            {
                _watchers.Remove(channel);
            }
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<LogLine> ReadLogsAsync(RevisionKey revision, string? replica = null, bool follow = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var runner = Find(revision);
        if (runner is null)
        {
            yield break;
        }

        var (kept, live, unsubscribe) = runner.Logs.Subscribe(replica, follow);
        try
        {
            foreach (var line in kept)
            {
                yield return line;
            }

            if (live is null)
            {
                yield break;
            }

            await foreach (var line in live.ReadAllAsync(cancellationToken))
            {
                yield return line;
            }
        }
        finally
        {
            unsubscribe();
        }
    }

    /// <summary>The file a replica's output is written to.</summary>
    public string LogFile(RevisionKey revision, string replica) =>
        Path.Combine(Options.LogsDirectory, revision.Namespace, revision.Name, replica + ".log");

    /// <summary>Stops every replica of every revision.</summary>
    public async ValueTask DisposeAsync()
    {
        RevisionKey[] keys;
        lock (_revisionsGate)
        {
            keys = [.. _revisions.Keys];
        }

        await Task.WhenAll(keys.Select(k => DeleteAsync(k)));
        lock (_watchersGate)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryComplete();
            }
        }

        Prober.Dispose();
    }

    internal void Publish(RevisionRunner runner, WorkloadStatus status)
    {
        lock (_watchersGate)
        {
            runner.LastStatus = status;
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryWrite(status);
            }
        }
    }

    private RevisionRunner? Find(RevisionKey revision)
    {
        lock (_revisionsGate)
        {
            return _revisions.GetValueOrDefault(revision);
        }
    }

    // Records compare lists by reference; the serialized form compares what the replicas would run.
    private static string Fingerprint(RevisionWorkload workload) => JsonSerializer.Serialize(workload);
}
