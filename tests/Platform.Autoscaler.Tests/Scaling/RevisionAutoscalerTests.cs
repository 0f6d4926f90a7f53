using Platform.Autoscaler.Scaling;
using Platform.Resources.Autoscaling;
using Platform.Serving.Contracts.Revisions;
using Platform.Serving.Contracts.Routing;
using Platform.Serving.Contracts.Stats;
using Platform.Testing;

namespace Platform.Autoscaler.Tests.Scaling;

/// <summary>The revision-level rules over time, each a small simulation (target 10 per pod: cc 10 at 100 %).</summary>
public class RevisionAutoscalerTests
{
    private static RevisionScalingSpec Revision(Func<AutoscalingSettings, AutoscalingSettings>? tweak = null)
    {
        var annotations = new AutoscalingSettings { TargetUtilizationPercentage = 100 };
        return new RevisionScalingSpec { ContainerConcurrency = 10, Annotations = tweak is null ? annotations : tweak(annotations) };
    }

    [Fact]
    public void TheCurrentSecondWithoutAReportYetDoesNotCountAsSilence()
    {
        var spec = Revision(a => a with { Window = TimeSpan.FromSeconds(6) });
        var start = DateTimeOffset.Parse("2026-01-01T00:00:00Z");
        var autoscaler = new RevisionAutoscaler(new RevisionKey("default", "hello-00001"), DeciderSpec.Resolve(new AutoscalerDefaults(), spec), start);
        for (var t = 0; t < 10; t++)
        {
            var at = start.AddSeconds(t + 0.5); // each second's report arrives half-way through it
            autoscaler.Record(new RevisionStat("default", "hello-00001", at, 20, 20), at);
        }
        // Just after second 10 began, its report has not come yet: the average is still the load, not 5/6 of it.
        Assert.Equal(20, autoscaler.Observe(start.AddSeconds(10.1)).Stable, 6);
        // Three silent seconds later the gap is real and counts as zeros.
        Assert.True(autoscaler.Observe(start.AddSeconds(12.1)).Stable < 20);
    }

    [Theory]
    // Receipt delays of each of one reporter's stats, stamped at half past seconds 0..9: whatever the jitter, each
    // stat stays in the second it was measured in, so the 1-second panic window never reads two of them (40 for 20).
    [InlineData(new[] { 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1 })]
    [InlineData(new[] { 0.6, 0.1, 0.6, 0.1, 0.6, 0.1, 0.6, 0.1, 0.6, 0.1 })] // two receipts in one second, none in the next
    [InlineData(new[] { 0.9, 0.05, 1.2, 0.05, 0.6, 0.3, 0.05, 1.4, 0.2, 0.05 })] // late by more than a second at times
    public void EachStatCountsInTheSecondItsReporterMeasuredItNotWhenItArrived(double[] delays)
    {
        var spec = Revision(a => a with { Window = TimeSpan.FromSeconds(6) });
        var start = DateTimeOffset.Parse("2026-01-01T00:00:00Z");
        var autoscaler = new RevisionAutoscaler(new RevisionKey("default", "hello-00001"), DeciderSpec.Resolve(new AutoscalerDefaults(), spec), start);
        var arrivals = delays.Select((d, t) => (Stamp: start.AddSeconds(t + 0.5), At: start.AddSeconds(t + 0.5 + d))).OrderBy(x => x.At);
        foreach (var (stamp, at) in arrivals)
        {
            autoscaler.Record(new RevisionStat("default", "hello-00001", stamp, 20, 20), at);
            var observed = autoscaler.Observe(at);
            Assert.True(observed.Panic <= 20 + 1e-9 && observed.Stable <= 20 + 1e-9, $"at {(at - start).TotalSeconds:0.00} s: stable {observed.Stable}, panic {observed.Panic}");
        }
        Assert.Equal(20, autoscaler.Observe(start.AddSeconds(10.1)).Stable, 6);
        Assert.Equal(20, autoscaler.Observe(start.AddSeconds(10.1)).Panic, 6);
    }

    [Fact]
    public void AStatStampedInTheFutureCountsNow()
    {
        var spec = Revision(a => a with { Window = TimeSpan.FromSeconds(6) });
        var start = DateTimeOffset.Parse("2026-01-01T00:00:00Z");
        var autoscaler = new RevisionAutoscaler(new RevisionKey("default", "hello-00001"), DeciderSpec.Resolve(new AutoscalerDefaults(), spec), start);
        // A reporter whose clock runs 3 s ahead (another node): recorded at receipt, not in a second still to come.
        autoscaler.Record(new RevisionStat("default", "hello-00001", start.AddSeconds(3.5), 20, 20), start.AddSeconds(0.5));
        Assert.Equal(20, autoscaler.Observe(start.AddSeconds(0.6)).Panic, 6);
    }

    [Fact]
    public void SteadyLoadSettlesOnCeilOfConcurrencyOverTarget()
    {
        var sim = Simulation.For(Revision()).Run(180, _ => 35);
        Assert.True(sim.ScaleAt(178) == 4 && sim.MinScaleFrom(100) == 4 && sim.MaxScaleFrom(100) == 4, sim.ToString());
    }

    [Fact]
    public void RampIsFollowedAsCeilOfTheStableAverageOutsidePanic()
    {
        // Load 10 + t: the 60 s stable average at t is 10 + t - 29.5, and outside panic the scale is ceil(avg / 10).
        var sim = Simulation.For(Revision()).Run(180, t => 10 + t);
        var checkedDecisions = 0;
        foreach (var (at, scale, result) in sim.Trace.Where(t => t.At >= 60 && !t.Result.InPanic))
        {
            Assert.True(scale == (int)Math.Ceiling((10 + at - 29.5) / 10), $"at {at}: {sim}");
            checkedDecisions++;
        }
        Assert.True(checkedDecisions > 20, sim.ToString());
    }

    [Fact]
    public void BurstEntersPanicAndScalesWithinOneTick()
    {
        var sim = Simulation.For(Revision()).Run(60, _ => 10).Run(10, _ => 200);
        var burst = sim.Trace.First(t => t.At >= 60);
        Assert.True(burst.Result.InPanic && burst.Scale >= 4, sim.ToString());
        Assert.True(sim.ScaleAt(68) == 20, sim.ToString());
    }

    [Fact]
    public void PanicExitsAStableWindowAfterTheBurstAndNeverScalesDownMeanwhile()
    {
        var sim = Simulation.For(Revision()).Run(60, _ => 10).Run(10, _ => 200).Run(120, _ => 10);
        var inPanic = sim.Trace.Where(t => t.Result.InPanic).ToList();
        for (var i = 1; i < inPanic.Count; i++) Assert.True(inPanic[i].Scale >= inPanic[i - 1].Scale, sim.ToString());
        // Out of panic a stable window after the last crossing: not before the burst is 60 s old, not later than
        // 60 s after it ended.
        var exit = sim.Trace.First(t => t.At > 60 && !t.Result.InPanic).At;
        Assert.True(exit > 60 + 60 && exit <= 70 + 62, $"exit at {exit}: {sim}");
        Assert.True(sim.ScaleAt(188) < 20, sim.ToString());
    }

    [Fact]
    public void ScaleDownIsRateLimitedToHalfPerDecision()
    {
        var sim = Simulation.For(Revision()).Run(70, _ => 100).Run(100, _ => 0);
        for (var i = 1; i < sim.Trace.Count; i++)
            Assert.True(sim.Trace[i].Scale >= sim.Trace[i - 1].Scale / 2, sim.ToString());
    }

    internal static readonly Rows<RevisionScalingSpec, AutoscalerDefaults, int> ScaleToZeroRowsRows = new()
    {
        // label, revision, defaults, want seconds from end of load to zero (stable window 60 + max(grace, retention))
        { "grace 30 s", Revision(), new AutoscalerDefaults(), 90 },
        { "retention 60 s beats grace", Revision(a => a with { ScaleToZeroPodRetentionPeriod = TimeSpan.FromSeconds(60) }), new AutoscalerDefaults(), 120 },
        { "grace 45 s beats retention 10 s", Revision(a => a with { ScaleToZeroPodRetentionPeriod = TimeSpan.FromSeconds(10) }), new AutoscalerDefaults { ScaleToZeroGracePeriod = TimeSpan.FromSeconds(45) }, 105 },
        { "window 30 s", Revision(a => a with { Window = TimeSpan.FromSeconds(30) }), new AutoscalerDefaults(), 60 },
    };

    public static TheoryData<string> ScaleToZeroRows => ScaleToZeroRowsRows.Labels;

    [Theory]
    [MemberData(nameof(ScaleToZeroRows))]
    public void ScalesToZeroAfterStableWindowAndGrace(string label)
    {
        var (revision, defaults, want) = ScaleToZeroRowsRows[label];
        var sim = Simulation.For(revision, defaults).Run(30, _ => 20).Run(300, _ => 0);
        var zero = sim.FirstAt(0, 30);
        Assert.True(zero is { } z && z - 30 >= want && z - 30 <= want + 4, $"{label}: zero at {zero}, want 30 + {want}: {sim}");
        Assert.True(sim.ScaleAt(zero!.Value - 2) == 1, $"{label}: one pod kept until then: {sim}");
        Assert.Equal(ActiveState.Inactive, sim.Autoscaler.Active);
        Assert.Equal(0, sim.MaxScaleFrom(zero.Value));
    }

    [Fact]
    public void ScaleToZeroDisabledKeepsOnePod()
    {
        var sim = Simulation.For(Revision(), new AutoscalerDefaults { EnableScaleToZero = false }).Run(30, _ => 20).Run(300, _ => 0);
        Assert.True(sim.MinScaleFrom(30) == 1 && sim.Trace[^1].Result.Reason == ScaleReason.ScaleToZeroDisabled, sim.ToString());
    }

    [Fact]
    public void NoDataNeverScalesToZero()
    {
        // The stats stream is lost after 30 s of load: the decider may follow the fading window, but once the window
        // is empty it cannot decide, and it never takes the last pod away.
        var sim = Simulation.For(Revision()).Run(30, _ => 20).Run(400, _ => null);
        Assert.True(sim.MinScaleFrom(0) >= 1, sim.ToString());
        Assert.Equal(ScaleReason.NoData, sim.Trace[^1].Result.Reason);
        Assert.False(sim.Trace[^1].Result.Valid);
    }

    [Fact]
    public void UnreachableRevisionWithoutDataScalesToZero()
    {
        var sim = Simulation.For(Revision() with { Reachable = false }).Run(30, _ => 20).Run(300, _ => null);
        Assert.True(sim.ScaleAt(328) == 0, sim.ToString());
    }

    internal static readonly Rows<RevisionScalingSpec, double, int, int> BoundRowsRows = new()
    {
        // label, revision, constant load, want min over the last minute, want max over the last minute
        { "min-scale holds pods without load", Revision(a => a with { MinScale = 2 }), 0, 2, 2 },
        { "min-scale below want is no cap", Revision(a => a with { MinScale = 2 }), 45, 5, 5 },
        { "max-scale caps", Revision(a => a with { MaxScale = 5 }), 1000, 5, 5 },
        { "max-scale 0 is unbounded", Revision(a => a with { MaxScale = 0 }), 1000, 100, 100 },
        { "unreachable ignores min-scale", Revision(a => a with { MinScale = 2 }) with { Reachable = false }, 0, 0, 0 },
        { "rps metric: 45 rps at 10 per pod", Revision(a => a with { Metric = "rps", Target = 10 }), 45, 5, 5 },
    };

    public static TheoryData<string> BoundRows => BoundRowsRows.Labels;

    [Theory]
    [MemberData(nameof(BoundRows))]
    public void HonoursBounds(string label)
    {
        var (revision, load, wantMin, wantMax) = BoundRowsRows[label];
        var rps = revision.Annotations.Metric == "rps";
        var sim = Simulation.For(revision).Run(300, _ => load, rps);
        Assert.True(sim.MinScaleFrom(240) == wantMin && sim.MaxScaleFrom(240) == wantMax, $"{label}: {sim}");
    }

    [Fact]
    public void InitialScaleIsHeldUntilReachedThenReleased()
    {
        // Pods take 20 s to become ready; until 3 are, no scale-down below 3 even without load.
        var sim = Simulation.For(Revision(a => a with { InitialScale = 3 }), readyLag: 20).Run(200, _ => 0);
        Assert.Equal(3, sim.Trace[0].Scale);
        Assert.True(sim.MinScaleFrom(0) >= 0 && sim.Trace.Where(t => t.At < 20).All(t => t.Scale == 3), sim.ToString());
        Assert.True(sim.Autoscaler.ScaleTargetInitialized, sim.ToString());
        Assert.True(sim.ScaleAt(198) == 0, sim.ToString());
    }

    [Fact]
    public void PokeAtZeroDecidesAtOnce()
    {
        var autoscaler = ZeroRevision(Revision());
        Assert.Equal(0, autoscaler.CurrentScale);
        var result = autoscaler.Poke(null, Simulation.Start.AddSeconds(5));
        Assert.True(result is { Valid: true, DesiredScale: 1 }, result?.ToString());
        Assert.Equal(ActiveState.Activating, autoscaler.Active);
        Assert.True(autoscaler.IsActive(Simulation.Start.AddSeconds(5)));
    }

    [Fact]
    public void PokeAtZeroHonoursActivationScale()
    {
        var autoscaler = ZeroRevision(Revision(a => a with { ActivationScale = 3 }));
        Assert.Equal(3, autoscaler.Poke(null, Simulation.Start.AddSeconds(5))?.DesiredScale);
    }

    [Fact]
    public void PokeAboveZeroWaitsForTheTick()
    {
        var sim = Simulation.For(Revision()).Run(10, _ => 5);
        Assert.Null(sim.Autoscaler.Poke(null, Simulation.Start.AddSeconds(10)));
    }

    [Fact]
    public void RestartFromSnapshotNeverScalesABusyRevisionDown()
    {
        var sim = Simulation.For(Revision()).Run(120, _ => 50);
        Assert.Equal(5, sim.ScaleAt(118));
        sim.Restart(downSeconds: 15).Run(60, _ => 50);
        Assert.True(sim.MinScaleFrom(120) == 5, sim.ToString());
    }

    [Fact]
    public void FreshAutoscalerOverBusyPodsStartsInPanicAtReadyCount()
    {
        // State lost entirely: 6 pods are ready and the first decisions see only a little data.
        var autoscaler = new RevisionAutoscaler(new RevisionKey("default", "hello-00001"), DeciderSpec.Resolve(new AutoscalerDefaults(), Revision()), Simulation.Start, readyPods: 6);
        autoscaler.Record(new RevisionStat("default", "hello-00001", Simulation.Start, 5, 5), Simulation.Start);
        var result = autoscaler.Decide(Simulation.Start.AddSeconds(2));
        Assert.True(result is { DesiredScale: 6, InPanic: true }, result.ToString());
    }

    [Fact]
    public void StaleStatsAreDropped()
    {
        var autoscaler = new RevisionAutoscaler(new RevisionKey("default", "hello-00001"), DeciderSpec.Resolve(new AutoscalerDefaults(), Revision()), Simulation.Start);
        var now = Simulation.Start.AddMinutes(5);
        Assert.False(autoscaler.Record(new RevisionStat("default", "hello-00001", now.AddMinutes(-2), 50, 50), now));
        Assert.True(autoscaler.Record(new RevisionStat("default", "hello-00001", now.AddSeconds(-1), 50, 50), now));
        Assert.True(autoscaler.Record(new RevisionStat("default", "hello-00001", default, 50, 50), now));
    }

    [Fact]
    public void ProxiedStatsAreSubtracted()
    {
        var autoscaler = new RevisionAutoscaler(new RevisionKey("default", "hello-00001"), DeciderSpec.Resolve(new AutoscalerDefaults(), Revision()), Simulation.Start);
        autoscaler.Record(new RevisionStat("default", "hello-00001", Simulation.Start, 30, 30, AverageProxiedConcurrency: 10, ProxiedRequestCount: 10), Simulation.Start);
        Assert.Equal(20, autoscaler.Observe(Simulation.Start).Stable, 9);
    }

    private static RevisionAutoscaler ZeroRevision(RevisionScalingSpec revision)
    {
        var withZero = revision with { Annotations = revision.Annotations with { InitialScale = 0 } };
        return new RevisionAutoscaler(new RevisionKey("default", "hello-00001"),
            DeciderSpec.Resolve(new AutoscalerDefaults { AllowZeroInitialScale = true }, withZero), Simulation.Start);
    }

    internal static readonly Rows<double, int, double, string> BurstRows = new()
    {
        // label, target-burst-capacity, containerConcurrency, steady concurrency, mode at the end
        // 10 in flight, target 10 at 100 %: 1 pod of total 10; 1 × 10 − 5 − 10 < 0.
        { "TBC 5, one full pod: proxy", 5, 10, 10, ActivatorModes.Proxy },
        // cc 0 with target 100: 1 pod of total 100; 1 × 100 − 5 − 10 ≥ 0.
        { "TBC 5, spare capacity: serve", 5, 0, 10, ActivatorModes.Serve },
        { "TBC -1: proxy with spare capacity", -1, 0, 10, ActivatorModes.Proxy },
        { "TBC 0: serve while pods are wanted", 0, 10, 10, ActivatorModes.Serve },
        { "TBC 0 at zero: proxy", 0, 10, 0, ActivatorModes.Proxy },
    };

    public static TheoryData<string> Bursts => BurstRows.Labels;

    [Theory]
    [MemberData(nameof(Bursts))]
    public void ModeFromTargetBurstCapacity(string label)
    {
        var (tbc, cc, load, mode) = BurstRows[label];
        var revision = new RevisionScalingSpec
        {
            ContainerConcurrency = cc,
            Annotations = new AutoscalingSettings { TargetUtilizationPercentage = 100, Target = cc == 0 ? 100 : null, TargetBurstCapacity = tbc, Window = TimeSpan.FromSeconds(6) },
        };
        var sim = Simulation.For(revision, new AutoscalerDefaults { ScaleToZeroGracePeriod = TimeSpan.FromSeconds(6) }).Run(120, _ => load);
        Assert.True(sim.Autoscaler.Mode == mode, $"{label}: want {mode}, got {sim.Autoscaler.Mode} ({sim.Autoscaler.LastResult}) {sim}");
    }

    [Fact]
    public void CapacityDropPutsTheActivatorBack()
    {
        // cc 10, TBC 15: 20 in flight needs 2 pods (total 20 − 15 − 20 < 0: proxy); 2 in flight on the pods left
        // keeps spare capacity (ready × 10 − 15 − 2 ≥ 0 from 2 pods); a burst drops it below the target again.
        var revision = new RevisionScalingSpec
        {
            ContainerConcurrency = 10,
            Annotations = new AutoscalingSettings { TargetUtilizationPercentage = 100, TargetBurstCapacity = 15, Window = TimeSpan.FromSeconds(6) },
        };
        var sim = Simulation.For(revision).Run(30, _ => 30);
        Assert.True(sim.Autoscaler.Mode == ActivatorModes.Proxy, $"full pods: {sim.Autoscaler.LastResult} {sim}");
        sim.Run(6, _ => 2);
        Assert.True(sim.Autoscaler.Mode == ActivatorModes.Serve, $"spare capacity: {sim.Autoscaler.LastResult} {sim}");
        sim.Run(4, _ => 60);
        Assert.True(sim.Autoscaler.Mode == ActivatorModes.Proxy, $"burst: {sim.Autoscaler.LastResult} {sim}");
    }
}
