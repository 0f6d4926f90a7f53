namespace Platform.Workloads.Local;

/// <summary>What a run of probe results amounts to.</summary>
internal enum ProbeVerdict
{
    /// <summary>Not enough results in a row either way.</summary>
    Pending,

    /// <summary><see cref="ProbeCheck.SuccessThreshold"/> successes in a row.</summary>
    Passed,

    /// <summary><see cref="ProbeCheck.FailureThreshold"/> failures in a row.</summary>
    Failed,
}

/// <summary>
/// Consecutive probe results, pure: the kubelet's success and failure thresholds for startup and liveness probes
/// (readiness goes through <see cref="ReplicaLifecycle"/>, which also owns the replica's phase). A verdict starts a
/// new streak.
/// </summary>
/// <param name="Successes">Successes in a row.</param>
/// <param name="Failures">Failures in a row.</param>
internal readonly record struct ProbeStreak(int Successes, int Failures)
{
    /// <summary>The streak after one more result, and its verdict.</summary>
    public (ProbeStreak Next, ProbeVerdict Verdict) Record(bool ok, ProbeCheck check)
    {
        if (ok)
        {
            return Successes + 1 >= check.SuccessThreshold ? (default, ProbeVerdict.Passed) : (new(Successes + 1, 0), ProbeVerdict.Pending);
        }

        return Failures + 1 >= check.FailureThreshold ? (default, ProbeVerdict.Failed) : (new(0, Failures + 1), ProbeVerdict.Pending);
    }
}
