using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Autoscaler.Revisions;
using Platform.Autoscaler.Scaling;
using Platform.Serving.Contracts.Revisions;
using Platform.Serving.Contracts.Stats;

namespace Platform.Autoscaler.Tests.Revisions;

public class RevisionScalerTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private static readonly RevisionKey Key = new("default", "hello-00001");
    private static readonly RevisionScalingSpec Spec = new() { ContainerConcurrency = 10, Annotations = new() { TargetUtilizationPercentage = 100 } };

    private sealed class RecordingTarget : IScaleTarget
    {
        public List<(RevisionKey Revision, int Scale)> Applied { get; } = [];
        public int FailuresLeft { get; set; }

        public Task ApplyAsync(RevisionKey revision, ScaleResult decision, CancellationToken cancellationToken)
        {
            if (FailuresLeft > 0)
            {
                FailuresLeft--;
                throw new HttpRequestException("backend down");
            }
            Applied.Add((revision, decision.DesiredScale));
            return Task.CompletedTask;
        }
    }

    private static (RevisionScaler Scaler, RecordingTarget Target) Create()
    {
        var target = new RecordingTarget();
        return (new RevisionScaler(Key, new AutoscalerDefaults(), target, NullLogger.Instance), target);
    }

    private static RevisionStat Stat(double concurrency) => new(Key.Namespace, Key.Name, default, concurrency, concurrency);

    [Fact]
    public async Task AppliesInitialScaleThenOnlyChanges()
    {
        var (scaler, target) = Create();
        await scaler.ConfigureAsync(Spec, T0, default);
        Assert.Equal([(Key, 1)], target.Applied);

        scaler.ReportReady(1, T0);
        for (var s = 0; s < 10; s++)
        {
            scaler.Record(Stat(5), T0.AddSeconds(s));
            if (s % 2 == 0) await scaler.DecideAsync(T0.AddSeconds(s), default);
        }
        Assert.Single(target.Applied);

        for (var s = 10; s < 20; s++) scaler.Record(Stat(60), T0.AddSeconds(s));
        await scaler.DecideAsync(T0.AddSeconds(20), default);
        Assert.Equal(2, target.Applied.Count);
        Assert.True(target.Applied[1].Scale > 1);
    }

    [Fact]
    public async Task FailedApplyIsRetriedOnTheNextDecision()
    {
        var (scaler, target) = Create();
        target.FailuresLeft = 1;
        await scaler.ConfigureAsync(Spec, T0, default);
        Assert.Empty(target.Applied);
        await scaler.DecideAsync(T0.AddSeconds(2), default);
        Assert.Equal([(Key, 1)], target.Applied);
    }

    [Fact]
    public async Task UnknownRevisionIsIgnored()
    {
        var (scaler, target) = Create();
        Assert.Equal(StatOutcome.UnknownRevision, scaler.Record(Stat(5), T0));
        Assert.Null(await scaler.PokeAsync(null, T0, default));
        Assert.Null(await scaler.DecideAsync(T0, default));
        Assert.False(scaler.ReportReady(3, T0));
        Assert.Empty(target.Applied);
        Assert.Null(scaler.Status(T0));
    }

    [Fact]
    public async Task A_restored_scaler_writes_its_scale_at_the_next_decision_whatever_was_applied_before()
    {
        // The autoscaler restarted: its saved scale is 0, but nothing proves the PodAutoscaler (and so the workload)
        // says 0 too. The first decision after the restore is written even though the scale did not change.
        var (scaler, target) = Create();
        await scaler.ConfigureAsync(Spec with { Annotations = Spec.Annotations with { MinScale = 0 } }, T0, default);
        var snapshot = scaler.Autoscaler!.ToSnapshot() with { CurrentScale = 0 };
        var restored = new RevisionScaler(Key, new AutoscalerDefaults(), target, NullLogger.Instance);
        restored.Restore(scaler.Spec!, snapshot, T0.AddMinutes(10));
        target.Applied.Clear();
        await restored.DecideAsync(T0.AddMinutes(10).AddSeconds(2), default);
        Assert.Equal([(Key, 0)], target.Applied);
        await restored.DecideAsync(T0.AddMinutes(10).AddSeconds(4), default);
        Assert.Single(target.Applied); // then only changes, as before
    }

    [Fact]
    public async Task InProcessHostDecidesAllRevisions()
    {
        var target = new RecordingTarget();
        var time = new ManualTime(T0);
        var host = new InProcessRevisionAutoscalers(Options.Create(new AutoscalerDefaults()), target, time, NullLoggerFactory.Instance);
        var other = new RevisionKey("default", "other-00001");
        await host.ConfigureAsync(Key, Spec, default);
        await host.ConfigureAsync(other, Spec, default);
        Assert.Equal(StatOutcome.UnknownRevision, await host.RecordAsync(new RevisionStat("default", "nope", default, 1, 1), default));
        Assert.Equal(StatOutcome.Recorded, await host.RecordAsync(Stat(45), default));
        Assert.True(await host.ReportReadyAsync(Key, 5, default));
        time.Now = T0.AddSeconds(2);
        await host.DecideAllAsync(default);
        // Stable average 45 / 3 s = 15 → 2 pods, and 5 ready pods may shrink by half at most: 2.
        Assert.Equal(2, (await host.GetStatusAsync(Key, default))!.DesiredScale);
        Assert.True(await host.GetStatusAsync(Key, default) is { DesiredScale: 2 } status && Math.Abs(status.StableAverage - 45 / 3.0) < 1e-9);
        await host.ConfigureAsync(new RevisionKey("default", "busy-00001"), Spec with { ReadyPods = 4 }, default);
        await host.RecordAsync(new RevisionStat("default", "busy-00001", default, 1, 1), default);
        time.Now = T0.AddSeconds(4);
        await host.DecideAllAsync(default);
        var busy = await host.GetStatusAsync(new RevisionKey("default", "busy-00001"), default);
        Assert.True(busy is { DesiredScale: 4, InPanic: true }, busy?.ToString());
        Assert.True(await host.RemoveAsync(other, default));
        Assert.Null(await host.GetStatusAsync(other, default));
    }

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }
}
