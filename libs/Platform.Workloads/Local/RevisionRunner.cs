using System.Globalization;
using Microsoft.Extensions.Logging;
using Platform.Serving.Contracts.Revisions;

namespace Platform.Workloads.Local;

/// <summary>
/// One revision's replicas in the local backend: keeps as many as desired, applies replica events through the
/// pure <see cref="ReplicaLifecycle"/> and <see cref="RevisionProgressRules"/>, and publishes a status on every change.
/// State is guarded by one gate; operations (ensure, scale, delete) are serialised by <see cref="Operations"/>.
/// </summary>
internal sealed class RevisionRunner
{
    private readonly object _gate = new();
    private readonly LocalWorkloadBackend _backend;
    private readonly List<ReplicaRunner> _replicas = [];

    // Ready replicas picked for scale-down, with the status version that first left them out: they are stopped once the
    // data plane applied that version (or after the drain timeout).
    private readonly List<(ReplicaRunner Replica, long Version)> _draining = [];
    private readonly ITimer _deadline;
    private RevisionProgress _progress = RevisionProgress.None;
    private long _nextOrdinal;
    private int _retiredRestarts;
    private long _version;
    private bool _deleted;

    public RevisionRunner(LocalWorkloadBackend backend, RevisionWorkload workload, bool dockerReachable)
    {
        _backend = backend;
        Workload = workload;
        DockerReachable = dockerReachable;
        Logs = new RevisionLogs(Path.Combine(backend.Options.LogsDirectory, workload.Revision.Namespace, workload.Revision.Name), backend.Options.LogLinesPerReplica, backend.Time);
        _deadline = backend.Time.CreateTimer(_ => Evaluate(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public RevisionKey Key => Workload.Revision;

    public RevisionWorkload Workload { get; private set; }

    public bool DockerReachable { get; private set; }

    public int Desired { get; private set; }

    public SemaphoreSlim Operations { get; } = new(1, 1);

    public RevisionLogs Logs { get; }

    public LocalBackendOptions Options => _backend.Options;

    public TimeProvider Time => _backend.Time;

    public ReplicaProber Prober => _backend.Prober;

    public ReplicaStartGate StartGate => _backend.StartGate;

    public ReplicaRecords? Records => _backend.Records;

    public TimeSpan GracePeriod => Workload.TerminationGracePeriodSeconds is int seconds ? TimeSpan.FromSeconds(seconds) : Options.TerminationGracePeriod;

    /// <summary>The status last published (guarded by the backend's watcher lock).</summary>
    public WorkloadStatus? LastStatus { get; set; }

    public ILogger Logger => _backend.Logger;

    // ---- operations (called with Operations held) ----

    /// <summary>Replaces the workload's spec after its replicas were stopped; refusals start over.</summary>
    public void Replace(RevisionWorkload workload, bool dockerReachable)
    {
        lock (_gate)
        {
            Workload = workload;
            DockerReachable = dockerReachable;
            _progress = RevisionProgress.None;
            PublishLocked();
        }
    }

    /// <summary>Sets the desired count and starts or stops replicas; returns the replicas being stopped.</summary>
    public IReadOnlyList<ReplicaRunner> Scale(int desired)
    {
        List<ReplicaRunner> stopping = [];
        List<ReplicaRunner> draining = [];
        List<ReplicaRunner> starting = [];
        lock (_gate)
        {
            if (_deleted)
            {
                return [];
            }

            Desired = desired;
            var live = _replicas.Where(r => r.State.Phase != ReplicaPhase.Stopping).ToList();
            if (live.Count > desired)
            {
                var names = ScaleDownOrder.Pick(live.Select(r => (r.Name, r.State.Phase, r.Ordinal)), live.Count - desired).ToHashSet(StringComparer.Ordinal);
                foreach (var replica in live.Where(r => names.Contains(r.Name)))
                {
                    // A ready replica may be receiving requests until the activator learns it is gone.
                    var routed = replica.State.Phase == ReplicaPhase.Ready && Options.DrainTimeout > TimeSpan.Zero;
                    replica.State = ReplicaLifecycle.Apply(replica.State, ReplicaEvent.StopRequested, Time.GetUtcNow(), Workload.Readiness, Options).State;
                    stopping.Add(replica);
                    if (routed) draining.Add(replica);
                }
            }
            else if (!_progress.Refused)
            {
                for (var i = live.Count; i < desired; i++)
                {
                    var ordinal = ++_nextOrdinal;
                    var replica = new ReplicaRunner(this, string.Create(CultureInfo.InvariantCulture, $"{Key.Name}-{ordinal}"), ordinal, Time.GetUtcNow());
                    _replicas.Add(replica);
                    Logs.Open(replica.Name);
                    starting.Add(replica);
                }
            }

            EvaluateLocked();
            PublishLocked();
            foreach (var replica in draining)
            {
                _draining.Add((replica, _version));
            }
        }

        foreach (var replica in stopping)
        {
            if (draining.Contains(replica))
            {
                _ = StopAfterDrainTimeoutAsync(replica);
            }
            else
            {
                replica.RequestStop();
            }
        }

        foreach (var replica in starting)
        {
            replica.Start();
        }

        return stopping;
    }

    /// <summary>The data plane routes by status <paramref name="version"/>: replicas it left out are stopped now.</summary>
    public void EndpointsApplied(long version)
    {
        List<ReplicaRunner> drained;
        lock (_gate)
        {
            drained = [.. _draining.Where(d => d.Version <= version).Select(d => d.Replica)];
            _draining.RemoveAll(d => d.Version <= version);
        }

        foreach (var replica in drained)
        {
            replica.RequestStop();
        }
    }

    private async Task StopAfterDrainTimeoutAsync(ReplicaRunner replica)
    {
        await Task.Delay(Options.DrainTimeout, Time).ConfigureAwait(false);
        bool waiting;
        lock (_gate)
        {
            waiting = _draining.RemoveAll(d => d.Replica == replica) > 0;
        }

        if (waiting)
        {
            WorkloadLog.DrainTimedOut(Logger, Key, replica.Name, Options.DrainTimeout);
            replica.RequestStop();
        }
    }

    /// <summary>Stops everything for good; returns the replicas to await.</summary>
    public IReadOnlyList<ReplicaRunner> Delete()
    {
        List<ReplicaRunner> all;
        lock (_gate)
        {
            _deleted = true;
            Desired = 0;
            all = [.. _replicas];
            _draining.Clear();
            foreach (var replica in all)
            {
                replica.State = ReplicaLifecycle.Apply(replica.State, ReplicaEvent.StopRequested, Time.GetUtcNow(), Workload.Readiness, Options).State;
            }
        }

        _deadline.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        foreach (var replica in all)
        {
            replica.RequestStop();
        }

        return all;
    }

    /// <summary>After <see cref="Delete"/> completed: the last status and the end of the logs.</summary>
    public void Removed()
    {
        _deadline.Dispose();
        Logs.Close();
        lock (_gate)
        {
            _version++;
            _backend.Publish(this, Snapshot() with { Removed = true });
        }
    }

    public WorkloadStatus Status()
    {
        lock (_gate)
        {
            return Snapshot();
        }
    }

    // ---- replica events (called by ReplicaRunner) ----

    public LaunchDecision Plan(string replica, int port) => LaunchPlanner.Plan(Workload, Options, replica, port, LaunchPlanner.Machine(DockerReachable));

    public void Started(ReplicaRunner replica, int pid, int port)
    {
        lock (_gate)
        {
            replica.Port = port;
            replica.ProcessId = pid;
            Transition(replica, ReplicaEvent.Started);
        }

        WorkloadLog.ReplicaStarted(Logger, Key, replica.Name, pid, port);
    }

    /// <summary>A probe's result; returns the wait before the next probe.</summary>
    public TimeSpan Probed(ReplicaRunner replica, bool ok)
    {
        lock (_gate)
        {
            Transition(replica, ok ? ReplicaEvent.ProbeSucceeded : ReplicaEvent.ProbeFailed);
            return ReplicaLifecycle.ProbeInterval(replica.State, Workload.Readiness, Options);
        }
    }

    /// <summary>The process exited on its own; returns when to restart it (null when it is stopping).</summary>
    public DateTimeOffset? Exited(ReplicaRunner replica, int exitCode)
    {
        DateTimeOffset? restartAt;
        lock (_gate)
        {
            replica.ProcessId = null;
            Transition(replica, ReplicaEvent.Exited, exitCode);
            restartAt = replica.State.RestartAt;
        }

        WorkloadLog.ReplicaExited(Logger, Key, replica.Name, exitCode, replica.State.Restarts, (restartAt ?? Time.GetUtcNow()) - Time.GetUtcNow());
        return restartAt;
    }

    public void BackoffElapsed(ReplicaRunner replica)
    {
        lock (_gate)
        {
            Transition(replica, ReplicaEvent.BackoffElapsed);
        }
    }

    /// <summary>The replica cannot start at all: the revision fails and no replica is started until its spec changes.</summary>
    public void Refused(ReplicaRunner replica, string reason, string message)
    {
        lock (_gate)
        {
            if (!_progress.Refused)
            {
                _progress = RevisionProgressRules.Refuse(reason, message);
                WorkloadLog.RevisionFailed(Logger, Key, reason, message);
            }

            replica.State = ReplicaLifecycle.Apply(replica.State, ReplicaEvent.StopRequested, Time.GetUtcNow(), Workload.Readiness, Options).State;
        }
    }

    /// <summary>The replica's loop ended: forget it.</summary>
    public void Gone(ReplicaRunner replica, bool broken = false)
    {
        lock (_gate)
        {
            replica.ProcessId = null;
            _replicas.Remove(replica);
            _retiredRestarts += replica.State.Restarts;
            Logs.Retire(replica.Name);
            if (!_deleted)
            {
                EvaluateLocked();
                PublishLocked();
            }
        }

        WorkloadLog.ReplicaStopped(Logger, Key, replica.Name);
        // A replica whose runner broke was not asked to stop: the revision still wants it, so a new one takes its
        // place (after the first restart delay, so that a bug that breaks every runner cannot spin).
        if (broken) _ = ReplaceBrokenAsync();
    }

    private async Task ReplaceBrokenAsync()
    {
        await Task.Delay(Options.InitialRestartDelay, Time).ConfigureAwait(false);
        await Operations.WaitAsync().ConfigureAwait(false);
        try
        {
            bool deleted;
            lock (_gate) deleted = _deleted;
            if (!deleted) Scale(Desired);
        }
        finally
        {
            Operations.Release();
        }
    }

    // ---- internals (with _gate held) ----

    private void Transition(ReplicaRunner replica, ReplicaEvent @event, int exitCode = 0)
    {
        var before = replica.State;
        var progress = _progress;
        var transition = ReplicaLifecycle.Apply(before, @event, Time.GetUtcNow(), Workload.Readiness, Options, exitCode);
        replica.State = transition.State;
        if (transition.ExitedBeforeReady)
        {
            var failed = _progress.Failure;
            _progress = RevisionProgressRules.ExitedBeforeReady(_progress, exitCode, Logs.LastLines(replica.Name, Options.FailureOutputLines), Options);
            if (failed is null && _progress.Failure is { } failure)
            {
                WorkloadLog.RevisionFailed(Logger, Key, failure.Reason, failure.Message);
            }
        }

        if (transition.State.Phase == ReplicaPhase.Ready && transition.ReadinessChanged)
        {
            _progress = RevisionProgressRules.ReplicaReady(_progress);
        }

        if (transition.ReadinessChanged)
        {
            WorkloadLog.ReplicaPhase(Logger, Key, replica.Name, transition.State.Phase);
        }

        EvaluateLocked();

        // Probe results that change nothing visible are not published: they come every few milliseconds while starting.
        if (progress != _progress || (before != transition.State && (before.Phase != transition.State.Phase || @event is ReplicaEvent.Started or ReplicaEvent.Exited)))
        {
            PublishLocked();
        }
    }

    private void Evaluate()
    {
        lock (_gate)
        {
            if (_deleted)
            {
                return;
            }

            var before = _progress;
            EvaluateLocked();
            if (before != _progress)
            {
                PublishLocked();
            }
        }
    }

    private void EvaluateLocked()
    {
        var ready = _replicas.Count(r => r.State.Phase == ReplicaPhase.Ready);
        var failed = _progress.Failure;
        _progress = RevisionProgressRules.Tick(_progress, Time.GetUtcNow(), Desired, ready, Logs.LastLines(null, Options.FailureOutputLines), Options);
        if (failed is null && _progress.Failure is { } failure)
        {
            WorkloadLog.RevisionFailed(Logger, Key, failure.Reason, failure.Message);
        }

        var next = RevisionProgressRules.NextDeadline(_progress, Options);
        var due = next is { } at ? at - Time.GetUtcNow() : Timeout.InfiniteTimeSpan;
        _deadline.Change(due == Timeout.InfiniteTimeSpan ? due : due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
    }

    private void PublishLocked()
    {
        _version++;
        _backend.Publish(this, Snapshot());
    }

    private WorkloadStatus Snapshot()
    {
        var live = _replicas.Where(r => r.State.Phase != ReplicaPhase.Stopping).ToList();
        var ready = live.Where(r => r.State.Phase == ReplicaPhase.Ready && r.Port is not null).ToList();
        return new WorkloadStatus
        {
            Revision = Key,
            Version = _version,
            Desired = Desired,
            Actual = live.Count,
            Ready = ready.Count,
            Endpoints = [.. ready.Select(r => new ReplicaEndpoint(r.Name, Options.Host, r.Port!.Value))],
            Replicas = [.. _replicas.Select(r => new ReplicaStatus(r.Name, r.State.Phase, r.ProcessId, r.Port, r.State.Restarts, r.State.LastExitCode))],
            Restarts = _retiredRestarts + _replicas.Sum(r => r.State.Restarts),
            Failure = _progress.Failure,
        };
    }
}
