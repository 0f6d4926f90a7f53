namespace Platform.Resources.Durations;

/// <summary>
/// Crash-loop back-off: initial, 2×, 4×, ... capped (Kubernetes' CrashLoopBackOff, shorter). Shared by the local
/// workload backend (replicas) and the local runner (the platform's own apps and sidecars).
/// </summary>
public static class RestartBackoff
{
    /// <summary>The delay before restarting after the <paramref name="crashStreak"/>-th crash in a row (1-based); zero for none.</summary>
    public static TimeSpan Delay(int crashStreak, TimeSpan initial, TimeSpan max)
    {
        if (crashStreak <= 0)
        {
            return TimeSpan.Zero;
        }

        // Doubling past 2^20 exceeds any sensible cap; stop there to avoid overflow.
        var factor = Math.Pow(2, Math.Min(crashStreak - 1, 20));
        var delay = TimeSpan.FromTicks((long)Math.Min(initial.Ticks * factor, max.Ticks));
        return delay < max ? delay : max;
    }
}
