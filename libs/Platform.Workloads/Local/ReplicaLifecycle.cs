namespace Platform.Workloads.Local;

/// <summary>A replica's lifecycle state; immutable, changed only by <see cref="ReplicaLifecycle.Apply"/>.</summary>
internal sealed record ReplicaState
{
    public ReplicaPhase Phase { get; init; } = ReplicaPhase.Starting;

    public DateTimeOffset PhaseSince { get; init; }

    /// <summary>Successes in a row while not ready.</summary>
    public int ProbeSuccesses { get; init; }

    /// <summary>Failures in a row while ready.</summary>
    public int ProbeFailures { get; init; }

    /// <summary>When the current run became ready, or null.</summary>
    public DateTimeOffset? ReadySince { get; init; }

    /// <summary>True once the current run passed its readiness probe.</summary>
    public bool ReadyThisRun { get; init; }

    /// <summary>Crashes in a row (the back-off exponent).</summary>
    public int CrashStreak { get; init; }

    public int Restarts { get; init; }

    public int? LastExitCode { get; init; }

    /// <summary>When a backing-off replica restarts.</summary>
    public DateTimeOffset? RestartAt { get; init; }

    public static ReplicaState Initial(DateTimeOffset now) => new() { PhaseSince = now };
}

/// <summary>What happened to a replica.</summary>
internal enum ReplicaEvent
{
    /// <summary>Its process was started (first start or restart).</summary>
    Started,
    ProbeSucceeded,
    ProbeFailed,
    /// <summary>Its process exited (the exit code is passed beside).</summary>
    Exited,
    /// <summary>The restart delay is over.</summary>
    BackoffElapsed,
    /// <summary>Scale-down or delete: stop it for good.</summary>
    StopRequested,
}

/// <summary>The result of one transition.</summary>
/// <param name="State">The new state.</param>
/// <param name="ReadinessChanged">The replica entered or left <see cref="ReplicaPhase.Ready"/>.</param>
/// <param name="ExitedBeforeReady">The process exited without having become ready in this run.</param>
internal readonly record struct ReplicaTransition(ReplicaState State, bool ReadinessChanged, bool ExitedBeforeReady);

/// <summary>
/// The replica state machine, pure: Starting → Ready ↔ NotReady, any running phase → BackingOff on exit →
/// Starting after the delay; Stopping absorbs everything. Time is an argument.
/// </summary>
internal static class ReplicaLifecycle
{
    public static ReplicaTransition Apply(ReplicaState state, ReplicaEvent @event, DateTimeOffset now, ProbeCheck check, LocalBackendOptions options, int exitCode = 0)
    {
        if (state.Phase == ReplicaPhase.Stopping)
        {
            return new(state, false, false);
        }

        var wasReady = state.Phase == ReplicaPhase.Ready;
        switch (@event)
        {
            case ReplicaEvent.Started:
                return new(state with { Phase = ReplicaPhase.Starting, PhaseSince = now, ProbeSuccesses = 0, ProbeFailures = 0, ReadySince = null, ReadyThisRun = false, RestartAt = null }, wasReady, false);

            case ReplicaEvent.ProbeSucceeded when state.Phase is ReplicaPhase.Starting or ReplicaPhase.NotReady:
                var successes = state.ProbeSuccesses + 1;
                return successes >= check.SuccessThreshold
                    ? new(state with { Phase = ReplicaPhase.Ready, PhaseSince = now, ProbeSuccesses = 0, ProbeFailures = 0, ReadySince = state.ReadySince ?? now, ReadyThisRun = true }, true, false)
                    : new(state with { ProbeSuccesses = successes }, false, false);

            case ReplicaEvent.ProbeSucceeded when state.Phase == ReplicaPhase.Ready:
                return new(state with { ProbeFailures = 0 }, false, false);

            case ReplicaEvent.ProbeFailed when state.Phase == ReplicaPhase.Ready:
                var failures = state.ProbeFailures + 1;
                return failures >= check.FailureThreshold
                    ? new(state with { Phase = ReplicaPhase.NotReady, PhaseSince = now, ProbeFailures = 0, ProbeSuccesses = 0 }, true, false)
                    : new(state with { ProbeFailures = failures }, false, false);

            case ReplicaEvent.ProbeFailed when state.Phase is ReplicaPhase.Starting or ReplicaPhase.NotReady:
                return new(state with { ProbeSuccesses = 0 }, false, false);

            case ReplicaEvent.Exited when state.Phase != ReplicaPhase.BackingOff:
                // A replica that stayed ready long enough starts its back-off over, as the kubelet does.
                var streak = state.ReadySince is { } since && now - since >= options.RestartDelayResetAfter ? 1 : state.CrashStreak + 1;
                var delay = Platform.Resources.Durations.RestartBackoff.Delay(streak, options.InitialRestartDelay, options.MaxRestartDelay);
                var next = state with
                {
                    Phase = ReplicaPhase.BackingOff,
                    PhaseSince = now,
                    CrashStreak = streak,
                    Restarts = state.Restarts + 1,
                    LastExitCode = exitCode,
                    RestartAt = now + delay,
                    ReadySince = null,
                    ProbeSuccesses = 0,
                    ProbeFailures = 0,
                };
                return new(next, wasReady, !state.ReadyThisRun);

            case ReplicaEvent.BackoffElapsed when state.Phase == ReplicaPhase.BackingOff && now >= state.RestartAt:
                return new(state with { Phase = ReplicaPhase.Starting, PhaseSince = now, RestartAt = null, ReadyThisRun = false }, false, false);

            case ReplicaEvent.StopRequested:
                return new(state with { Phase = ReplicaPhase.Stopping, PhaseSince = now, RestartAt = null }, wasReady, false);

            default:
                return new(state, false, false);
        }
    }

    /// <summary>How long to wait before the next probe: aggressive until ready, then the probe's period (or 1 s).</summary>
    public static TimeSpan ProbeInterval(ReplicaState state, ProbeCheck check, LocalBackendOptions options) =>
        state.Phase == ReplicaPhase.Ready
            ? check.PeriodSeconds > 0 ? TimeSpan.FromSeconds(check.PeriodSeconds) : options.ReadyProbeInterval
            : AggressiveInterval(check, options);

    /// <summary>The interval of aggressive probing for <paramref name="check"/>'s kind (an exec probe starts a process each time).</summary>
    public static TimeSpan AggressiveInterval(ProbeCheck check, LocalBackendOptions options) =>
        check.Kind == ProbeKind.Exec ? options.AggressiveExecProbeInterval : options.AggressiveProbeInterval;
}
