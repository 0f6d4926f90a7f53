using System.Globalization;

namespace Platform.Workloads.Local;

/// <summary>
/// Whether a revision is making progress towards a ready replica, and its failure when it is not; immutable.
/// </summary>
/// <param name="WaitingSince">Since when replicas are wanted and none is ready, or null.</param>
/// <param name="ExitsBeforeReady">Replica exits before readiness, in a row across the revision.</param>
/// <param name="Failure">The revision's failure, or null.</param>
internal sealed record RevisionProgress(DateTimeOffset? WaitingSince, int ExitsBeforeReady, WorkloadFailure? Failure)
{
    public static RevisionProgress None { get; } = new(null, 0, null);

    /// <summary>Refusals at start (command not found, no Docker) stay until the workload's spec changes.</summary>
    public bool Refused => Failure?.Reason is WorkloadFailureReasons.CommandNotFound or WorkloadFailureReasons.ContainerMissing or WorkloadFailureReasons.WorkingDirNotFound;
}

/// <summary>The revision-level failure rules, pure: crash loops, progress deadline, refusals.</summary>
internal static class RevisionProgressRules
{
    /// <summary>A replica became ready: the revision is healthy again.</summary>
    public static RevisionProgress ReplicaReady(RevisionProgress progress) =>
        progress.Refused ? progress : RevisionProgress.None;

    /// <summary>A replica exited before it became ready; the N-th time in a row fails the revision with its exit code.</summary>
    public static RevisionProgress ExitedBeforeReady(RevisionProgress progress, int exitCode, IReadOnlyList<string> lastOutput, LocalBackendOptions options)
    {
        if (progress.Refused)
        {
            return progress;
        }

        var exits = progress.ExitsBeforeReady + 1;
        if (exits < options.ExitsBeforeFailure)
        {
            return progress with { ExitsBeforeReady = exits };
        }

        var message = string.Create(CultureInfo.InvariantCulture, $"Container failed with exit code {exitCode} before becoming ready ({exits} times in a row).");
        return progress with
        {
            ExitsBeforeReady = exits,
            Failure = new WorkloadFailure(WorkloadFailureReasons.ExitCode(exitCode), WithOutput(message, lastOutput), lastOutput),
        };
    }

    /// <summary>
    /// Re-evaluates the progress deadline: replicas wanted and none ready for longer than the deadline fails the
    /// revision with <c>ProgressDeadlineExceeded</c> (unless it already failed for a more precise reason).
    /// </summary>
    public static RevisionProgress Tick(RevisionProgress progress, DateTimeOffset now, int desired, int ready, IReadOnlyList<string> lastOutput, LocalBackendOptions options)
    {
        if (ready > 0)
        {
            return ReplicaReady(progress);
        }

        if (desired == 0)
        {
            return progress with { WaitingSince = null };
        }

        var since = progress.WaitingSince ?? now;
        if (progress.Failure is null && now - since >= options.ProgressDeadline)
        {
            var message = string.Create(CultureInfo.InvariantCulture, $"Initial scale was never achieved: no replica became ready within {options.ProgressDeadline.TotalSeconds:0.###}s.");
            return progress with
            {
                WaitingSince = since,
                Failure = new WorkloadFailure(WorkloadFailureReasons.ProgressDeadlineExceeded, WithOutput(message, lastOutput), lastOutput),
            };
        }

        return progress with { WaitingSince = since };
    }

    /// <summary>The workload cannot be started at all.</summary>
    public static RevisionProgress Refuse(string reason, string message) =>
        new(null, 0, new WorkloadFailure(reason, message, []));

    /// <summary>When the deadline check must run next, or null when no deadline is pending.</summary>
    public static DateTimeOffset? NextDeadline(RevisionProgress progress, LocalBackendOptions options) =>
        progress is { WaitingSince: { } since, Failure: null } ? since + options.ProgressDeadline : null;

    private static string WithOutput(string message, IReadOnlyList<string> lastOutput) =>
        lastOutput.Count == 0 ? message + " No output." : message + " Last output:\n" + string.Join('\n', lastOutput);
}
