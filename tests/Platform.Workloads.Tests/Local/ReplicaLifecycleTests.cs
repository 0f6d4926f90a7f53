using Platform.Workloads.Local;

namespace Platform.Workloads.Tests.Local;

public class ReplicaLifecycleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly LocalBackendOptions Options = new()
    {
        InitialRestartDelay = TimeSpan.FromSeconds(1),
        MaxRestartDelay = TimeSpan.FromSeconds(30),
        RestartDelayResetAfter = TimeSpan.FromSeconds(60),
    };

    // Steps are "event@seconds", exits carry their code: "exit3@5".
    public static TheoryData<string, string[], ReplicaPhase, int, double?> Rows => new()
    {
        { "new replica starts", [], ReplicaPhase.Starting, 0, null },
        { "first probe success: ready", ["start@0", "ok@0.05"], ReplicaPhase.Ready, 0, null },
        { "failures while starting keep it starting", ["start@0", "fail@0.05", "fail@0.1", "fail@0.15", "fail@0.2"], ReplicaPhase.Starting, 0, null },
        { "two failures stay ready (threshold 3)", ["start@0", "ok@0", "fail@1", "fail@2"], ReplicaPhase.Ready, 0, null },
        { "three failures: not ready", ["start@0", "ok@0", "fail@1", "fail@2", "fail@3"], ReplicaPhase.NotReady, 0, null },
        { "a success resets the failure count", ["start@0", "ok@0", "fail@1", "fail@2", "ok@3", "fail@4", "fail@5"], ReplicaPhase.Ready, 0, null },
        { "not ready recovers", ["start@0", "ok@0", "fail@1", "fail@2", "fail@3", "ok@3.05"], ReplicaPhase.Ready, 0, null },
        { "exit backs off 1s", ["start@0", "exit3@2"], ReplicaPhase.BackingOff, 1, 3 },
        { "second crash in a row: 2s", ["start@0", "exit3@0", "elapsed@1", "start@1", "exit3@1.5"], ReplicaPhase.BackingOff, 2, 3.5 },
        { "third: 4s", ["start@0", "exit1@0", "elapsed@1", "start@1", "exit1@1", "elapsed@3", "start@3", "exit1@3"], ReplicaPhase.BackingOff, 3, 7 },
        { "elapsed too early is ignored", ["start@0", "exit1@0", "elapsed@0.5"], ReplicaPhase.BackingOff, 1, 1 },
        { "elapsed at restart time: starting", ["start@0", "exit1@0", "elapsed@1"], ReplicaPhase.Starting, 1, null },
        { "ready for 60s resets the back-off", ["start@0", "exit1@0", "elapsed@1", "start@1", "ok@1", "exit1@100"], ReplicaPhase.BackingOff, 2, 101 },
        { "ready briefly keeps the back-off growing", ["start@0", "exit1@0", "elapsed@1", "start@1", "ok@1", "exit1@2"], ReplicaPhase.BackingOff, 2, 4 },
        { "stop wins over everything", ["start@0", "ok@0", "stop@1", "exit0@2", "ok@3", "elapsed@9"], ReplicaPhase.Stopping, 0, null },
        { "probe results while backing off are ignored", ["start@0", "exit1@0", "ok@0.1"], ReplicaPhase.BackingOff, 1, 1 },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Follows_Kubernetes_replica_lifecycle(string label, string[] steps, ReplicaPhase wantPhase, int wantRestarts, double? wantRestartAt)
    {
        var state = Run(steps, ProbeCheck.DefaultTcp);
        double? restartAt = state.RestartAt is { } at ? (at - T0).TotalSeconds : null;
        Assert.True(
            (wantPhase, wantRestarts, wantRestartAt) == (state.Phase, state.Restarts, restartAt),
            $"{label}: want {(wantPhase, wantRestarts, wantRestartAt)} got {(state.Phase, state.Restarts, restartAt)}");
    }

    [Theory]
    [InlineData(1, new[] { "start@0", "ok@0" }, ReplicaPhase.Ready)]
    [InlineData(2, new[] { "start@0", "ok@0" }, ReplicaPhase.Starting)]
    [InlineData(2, new[] { "start@0", "ok@0", "ok@0.05" }, ReplicaPhase.Ready)]
    [InlineData(2, new[] { "start@0", "ok@0", "fail@0.05", "ok@0.1" }, ReplicaPhase.Starting)]
    public void Honours_the_success_threshold(int successThreshold, string[] steps, ReplicaPhase want) =>
        Assert.Equal(want, Run(steps, new ProbeCheck { SuccessThreshold = successThreshold }).Phase);

    [Theory]
    [InlineData(new[] { "start@0", "exit1@1" }, true)]
    [InlineData(new[] { "start@0", "ok@0", "exit1@1" }, false)]
    [InlineData(new[] { "start@0", "ok@0", "exit1@1", "elapsed@2", "start@2", "exit1@3" }, true)]
    public void Tells_an_exit_before_readiness(string[] steps, bool want)
    {
        var state = ReplicaState.Initial(T0);
        var last = default(ReplicaTransition);
        foreach (var step in steps)
        {
            last = Step(state, step, ProbeCheck.DefaultTcp);
            state = last.State;
        }

        Assert.Equal(want, last.ExitedBeforeReady);
    }

    public static TheoryData<string, string[], ProbeCheck, double> Intervals => new()
    {
        { "starting: aggressive", ["start@0"], ProbeCheck.DefaultTcp, 0.002 },
        { "starting, HTTP: aggressive", ["start@0"], new ProbeCheck { Kind = ProbeKind.Http, Path = "/" }, 0.002 },
        { "starting, exec: a process each time, less often", ["start@0"], new ProbeCheck { Kind = ProbeKind.Exec, Command = ["true"] }, 0.01 },
        { "starting, period 5: aggressive until ready", ["start@0"], new ProbeCheck { PeriodSeconds = 5 }, 0.002 },
        { "ready, period 0: every second", ["start@0", "ok@0"], ProbeCheck.DefaultTcp, 1 },
        { "ready, period 5", ["start@0", "ok@0"], new ProbeCheck { PeriodSeconds = 5 }, 5 },
        { "not ready: aggressive again", ["start@0", "ok@0", "fail@1", "fail@2", "fail@3"], ProbeCheck.DefaultTcp, 0.002 },
    };

    [Theory]
    [MemberData(nameof(Intervals))]
    public void Probes_aggressively_until_ready(string label, string[] steps, ProbeCheck check, double wantSeconds)
    {
        var interval = ReplicaLifecycle.ProbeInterval(Run(steps, check), check, Options);
        Assert.True(TimeSpan.FromSeconds(wantSeconds) == interval, $"{label}: got {interval}");
    }

    private static ReplicaState Run(string[] steps, ProbeCheck check)
    {
        var state = ReplicaState.Initial(T0);
        foreach (var step in steps)
        {
            state = Step(state, step, check).State;
        }

        return state;
    }

    private static ReplicaTransition Step(ReplicaState state, string step, ProbeCheck check)
    {
        var (name, at) = (step.Split('@')[0], T0 + TimeSpan.FromSeconds(double.Parse(step.Split('@')[1], System.Globalization.CultureInfo.InvariantCulture)));
        return name switch
        {
            "start" => ReplicaLifecycle.Apply(state, ReplicaEvent.Started, at, check, Options),
            "ok" => ReplicaLifecycle.Apply(state, ReplicaEvent.ProbeSucceeded, at, check, Options),
            "fail" => ReplicaLifecycle.Apply(state, ReplicaEvent.ProbeFailed, at, check, Options),
            "elapsed" => ReplicaLifecycle.Apply(state, ReplicaEvent.BackoffElapsed, at, check, Options),
            "stop" => ReplicaLifecycle.Apply(state, ReplicaEvent.StopRequested, at, check, Options),
            _ when name.StartsWith("exit", StringComparison.Ordinal) => ReplicaLifecycle.Apply(state, ReplicaEvent.Exited, at, check, Options, int.Parse(name[4..], System.Globalization.CultureInfo.InvariantCulture)),
            _ => throw new ArgumentException(step),
        };
    }
}
