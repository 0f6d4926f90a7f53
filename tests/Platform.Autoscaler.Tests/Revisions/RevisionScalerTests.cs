using Platform.Serving.Contracts.Revisions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Autoscaler.Metrics;
using Platform.Serving.Contracts.Stats;
using Platform.Autoscaler.Revisions;
using Platform.Autoscaler.Scaling;

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

    private static (RevisionScaler Scaler, RecordingTarget Target, RevisionScalingRegistry Registry) Create()
    {
        var target = new RecordingTarget();
        var registry = new RevisionScalingRegistry();
        return (new RevisionScaler(Key, new AutoscalerDefaults(), target, registry, NullLogger.Instance), target, registry);
    }

    private static RevisionStat Stat(double concurrency) => new(Key.Namespace, Key.Name, default, concurrency, concurrency);

    [Fact]
    public async Task AppliesInitialScaleThenOnlyChanges()
    {
        var (scaler, target, _) = Create();
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
        var (scaler, target, _) = Create();
        target.FailuresLeft = 1;
        await scaler.ConfigureAsync(Spec, T0, default);
        Assert.Empty(target.Applied);
        await scaler.DecideAsync(T0.AddSeconds(2), default);
        Assert.Equal([(Key, 1)], target.Applied);
    }

    [Fact]
    public async Task UnknownRevisionIsIgnored()
    {
        var (scaler, target, registry) = Create();
        Assert.Equal(StatOutcome.UnknownRevision, scaler.Record(Stat(5), T0));
        Assert.Null(await scaler.PokeAsync(null, T0, default));
        Assert.Null(await scaler.DecideAsync(T0, default));
        Assert.False(scaler.ReportReady(3, T0));
        Assert.Empty(target.Applied);
        Assert.False(registry.TryGet(Key, out _));
    }

    [Fact]
    public async Task PublishesToTheRegistryAndPokeWakesWatchers()
    {
        var (scaler, _, registry) = Create();
        var zero = Spec with { Annotations = Spec.Annotations with { InitialScale = 0 } };
        scaler = new RevisionScaler(Key, new AutoscalerDefaults { AllowZeroInitialScale = true }, new RecordingTarget(), registry, NullLogger.Instance);
        await scaler.ConfigureAsync(zero, T0, default);
        Assert.True(registry.TryGet(Key, out var status));
        Assert.False(status.IsActive(T0));

        var changed = registry.NextChange(Key);
        Assert.False(changed.IsCompleted);
        Assert.True(registry.Poke(Key, T0.AddSeconds(1)));
        Assert.True(changed.IsCompleted);
        Assert.True(registry.TryGet(Key, out status) && status.IsActive(T0.AddSeconds(2)));
        // A poke alone keeps the revision active for the grace period only.
        Assert.False(status.IsActive(T0.AddSeconds(1 + 30)));

        await scaler.PokeAsync(null, T0.AddSeconds(1), default);
        Assert.True(registry.TryGet(Key, out status) && status.DesiredScale == 1 && status.IsActive(T0.AddMinutes(5)));
        Assert.False(registry.Poke(new RevisionKey("default", "missing"), T0));
    }

    [Fact]
    public async Task InProcessHostDecidesAllRevisions()
    {
        var registry = new RevisionScalingRegistry();
        var target = new RecordingTarget();
        var time = new ManualTime(T0);
        var host = new InProcessRevisionAutoscalers(Options.Create(new AutoscalerDefaults()), target, registry, time, NullLoggerFactory.Instance);
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
        Assert.True(registry.TryGet(Key, out var status) && status.DesiredScale == 2 && Math.Abs(status.StableAverage - 45 / 3.0) < 1e-9);
        await host.ConfigureAsync(new RevisionKey("default", "busy-00001"), Spec with { ReadyPods = 4 }, default);
        await host.RecordAsync(new RevisionStat("default", "busy-00001", default, 1, 1), default);
        time.Now = T0.AddSeconds(4);
        await host.DecideAllAsync(default);
        Assert.True(registry.TryGet(new RevisionKey("default", "busy-00001"), out var busy) && busy is { DesiredScale: 4, InPanic: true }, busy?.ToString());
        Assert.True(await host.RemoveAsync(other, default));
        Assert.False(registry.TryGet(other, out _));
        Assert.Null(await host.GetStatusAsync(other, default));
    }

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }
}
