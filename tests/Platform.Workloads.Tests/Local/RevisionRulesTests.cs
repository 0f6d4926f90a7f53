using Platform.Workloads.Local;

namespace Platform.Workloads.Tests.Local;

public class RevisionRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly LocalBackendOptions Options = new() { ExitsBeforeFailure = 3, ProgressDeadline = TimeSpan.FromSeconds(10) };

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(5, 16)]
    [InlineData(6, 30)]
    [InlineData(100, 30)]
    public void Backoff_doubles_up_to_the_cap(int crashStreak, double wantSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(wantSeconds), Platform.Resources.Durations.RestartBackoff.Delay(crashStreak, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)));

    // Steps: "exitN" (exit before ready with code N), "ready", "tick@s:desired/ready", "refuse".
    public static TheoryData<string, string[], string?> Progress => new()
    {
        { "healthy", ["tick@0:1/0", "ready"], null },
        { "two exits: not failed yet", ["exit1", "exit1"], null },
        { "three exits in a row: ExitCode of the last", ["exit1", "exit1", "exit3"], "ExitCode3" },
        { "a ready replica resets the count", ["exit1", "exit1", "ready", "exit1"], null },
        { "a ready replica clears the failure", ["exit1", "exit1", "exit1", "ready"], null },
        { "deadline not reached", ["tick@0:1/0", "tick@9.9:1/0"], null },
        { "deadline reached", ["tick@0:1/0", "tick@10:1/0"], "ProgressDeadlineExceeded" },
        { "scaled to zero stops the clock", ["tick@0:1/0", "tick@5:0/0", "tick@12:1/0", "tick@21:1/0"], null },
        { "clock restarts after scale-up", ["tick@0:1/0", "tick@5:0/0", "tick@12:1/0", "tick@22:1/0"], "ProgressDeadlineExceeded" },
        { "ready replica in the tick clears", ["tick@0:1/0", "tick@10:1/0", "tick@11:1/1"], null },
        { "exit code failure is not replaced by the deadline", ["tick@0:1/0", "exit2", "exit2", "exit2", "tick@30:1/0"], "ExitCode2" },
        { "exit code failure replaces the deadline", ["tick@0:1/0", "tick@10:1/0", "exit2", "exit2", "exit2"], "ExitCode2" },
        { "refusal stays after ready and exits", ["refuse", "ready", "exit1", "exit1", "exit1", "tick@100:1/0"], "CommandNotFound" },
    };

    [Theory]
    [MemberData(nameof(Progress))]
    public void Decides_the_revision_failure(string label, string[] steps, string? wantReason)
    {
        var progress = RevisionProgress.None;
        foreach (var step in steps)
        {
            progress = step switch
            {
                "ready" => RevisionProgressRules.ReplicaReady(progress),
                "refuse" => RevisionProgressRules.Refuse(WorkloadFailureReasons.CommandNotFound, "nope"),
                _ when step.StartsWith("exit", StringComparison.Ordinal) => RevisionProgressRules.ExitedBeforeReady(progress, int.Parse(step[4..], System.Globalization.CultureInfo.InvariantCulture), ["boom"], Options),
                _ => Tick(progress, step),
            };
        }

        Assert.True(wantReason == progress.Failure?.Reason, $"{label}: want {wantReason ?? "none"} got {progress.Failure?.Reason ?? "none"}");
    }

    [Fact]
    public void Failure_messages_end_with_the_last_output()
    {
        var progress = RevisionProgress.None;
        for (var i = 0; i < 3; i++)
        {
            progress = RevisionProgressRules.ExitedBeforeReady(progress, 3, ["starting", "boom"], Options);
        }

        Assert.Equal("Container failed with exit code 3 before becoming ready (3 times in a row). Last output:\nstarting\nboom", progress.Failure!.Message);
        Assert.Equal(["starting", "boom"], progress.Failure.LastOutput);

        var deadline = RevisionProgressRules.Tick(RevisionProgressRules.Tick(RevisionProgress.None, T0, 1, 0, [], Options), T0.AddSeconds(10), 1, 0, [], Options);
        Assert.Equal("Initial scale was never achieved: no replica became ready within 10s. No output.", deadline.Failure!.Message);
    }

    [Fact]
    public void Next_deadline_is_pending_only_while_waiting_without_failure()
    {
        var waiting = RevisionProgressRules.Tick(RevisionProgress.None, T0, 1, 0, [], Options);
        Assert.Equal(T0.AddSeconds(10), RevisionProgressRules.NextDeadline(waiting, Options));
        Assert.Null(RevisionProgressRules.NextDeadline(RevisionProgressRules.Tick(waiting, T0.AddSeconds(10), 1, 0, [], Options), Options));
        Assert.Null(RevisionProgressRules.NextDeadline(RevisionProgress.None, Options));
    }

    public static TheoryData<string, (string, ReplicaPhase, long)[], int, string[]> ScaleDown => new()
    {
        { "newest ready first", [("a-1", ReplicaPhase.Ready, 1), ("a-2", ReplicaPhase.Ready, 2), ("a-3", ReplicaPhase.Ready, 3)], 2, ["a-3", "a-2"] },
        { "not ready before ready", [("a-1", ReplicaPhase.NotReady, 1), ("a-2", ReplicaPhase.Ready, 2)], 1, ["a-1"] },
        { "backing off, then starting, then not ready", [("a-1", ReplicaPhase.NotReady, 1), ("a-2", ReplicaPhase.Starting, 2), ("a-3", ReplicaPhase.BackingOff, 3), ("a-4", ReplicaPhase.Ready, 4)], 3, ["a-3", "a-2", "a-1"] },
        { "stopping ones are not picked", [("a-1", ReplicaPhase.Stopping, 1), ("a-2", ReplicaPhase.Ready, 2)], 2, ["a-2"] },
        { "zero", [("a-1", ReplicaPhase.Ready, 1)], 0, [] },
    };

    [Theory]
    [MemberData(nameof(ScaleDown))]
    public void Scales_down_idle_replicas_first(string label, (string, ReplicaPhase, long)[] replicas, int count, string[] want)
    {
        var got = ScaleDownOrder.Pick(replicas, count);
        Assert.True(want.SequenceEqual(got), $"{label}: want {string.Join(",", want)} got {string.Join(",", got)}");
    }

    private static RevisionProgress Tick(RevisionProgress progress, string step)
    {
        var at = step[5..].Split(':');
        var counts = at[1].Split('/');
        return RevisionProgressRules.Tick(progress, T0.AddSeconds(double.Parse(at[0], System.Globalization.CultureInfo.InvariantCulture)), int.Parse(counts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(counts[1], System.Globalization.CultureInfo.InvariantCulture), [], Options);
    }
}
