using Platform.Autoscaler.Scaling;
using Platform.Serving.Contracts.Routing;
using Platform.Testing;

namespace Platform.Autoscaler.Tests.Scaling;

public class KpaDeciderTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    /// <summary>Target 10 per pod, total 15, TBC 20: small numbers that read easily.</summary>
    internal static DeciderSpec Spec(Func<DeciderSpec, DeciderSpec>? tweak = null)
    {
        var spec = new DeciderSpec
        {
            Metric = ScalingMetric.Concurrency,
            TargetValue = 10,
            TotalValue = 15,
            MaxScaleUpRate = 1000,
            MaxScaleDownRate = 2,
            PanicThreshold = 2,
            StableWindow = TimeSpan.FromSeconds(60),
            PanicWindow = TimeSpan.FromSeconds(6),
            TargetBurstCapacity = 20,
            ActivationScale = 1,
            Reachable = true,
            TickInterval = TimeSpan.FromSeconds(2),
        };
        return tweak is null ? spec : tweak(spec);
    }

    internal static readonly Rows<DeciderSpec, int, double, double, int, bool> SingleRows = new()
    {
        // label, spec, ready pods, stable avg, panic avg, want desired, want panic
        { "steady state", Spec(), 5, 50, 50, 5, false },
        { "ramp: wants more, below panic threshold", Spec(), 5, 80, 80, 8, false },
        { "fraction rounds up", Spec(), 5, 41, 41, 5, false },
        { "zero ready counts as one", Spec(), 0, 15, 15, 2, true },
        { "scale-up rate limit", Spec(s => s with { MaxScaleUpRate = 2 }), 2, 100, 10, 4, false },
        { "scale-down rate limit", Spec(), 10, 0, 0, 5, false },
        { "scale-down rate 4", Spec(s => s with { MaxScaleDownRate = 4 }), 10, 0, 0, 2, false },
        { "unreachable: no scale-down limit", Spec(s => s with { Reachable = false }), 10, 0, 0, 0, false },
        { "burst into panic: max(stable, panic)", Spec(), 2, 20, 100, 10, true },
        { "just under the panic threshold", Spec(), 5, 50, 90, 5, false },
        { "at the panic threshold (200 %)", Spec(), 5, 50, 100, 10, true },
        { "threshold 300 %", Spec(s => s with { PanicThreshold = 3 }), 5, 50, 100, 5, false },
        { "stable above panic in panic takes stable", Spec(), 1, 50, 20, 5, true },
        { "activation scale from zero", Spec(s => s with { ActivationScale = 3 }), 0, 1, 1, 3, false },
        { "activation scale does not hold zero", Spec(s => s with { ActivationScale = 3 }), 1, 0, 0, 0, false },
        { "activation scale below want", Spec(s => s with { ActivationScale = 3 }), 5, 50, 50, 5, false },
    };

    public static TheoryData<string> Single => SingleRows.Labels;

    [Theory]
    [MemberData(nameof(Single))]
    public void Decides(string label)
    {
        var (spec, ready, stable, panic, wantDesired, wantPanic) = SingleRows[label];
        var got = KpaDecider.Scale(spec, DeciderState.For(spec, 0, T0), MetricObservation.Of(stable, panic), ready, T0);
        Assert.True(got.Valid && got.DesiredScale == wantDesired && got.InPanic == wantPanic,
            $"{label}: want {wantDesired} panic={wantPanic}, got {got}");
    }

    [Fact]
    public void NoDataCannotDecide()
    {
        var state = DeciderState.For(Spec(), 0, T0);
        var got = KpaDecider.Scale(Spec(), state, MetricObservation.NoData, 3, T0);
        Assert.Equal(ScaleResult.CannotDecide, got);
        Assert.False(got.Valid);
        Assert.Equal(-1, got.DesiredScale);
    }

    [Theory]
    [InlineData("TBC 20: 3 × 15 − 20 − 12", 20, 3, 12, 13)]
    [InlineData("negative: activator stays in path", 20, 1, 12, -17)]
    [InlineData("TBC 0", 0, 3, 12, 0)]
    [InlineData("TBC -1: always in path", -1, 3, 12, -1)]
    public void ExcessBurstCapacity(string label, double tbc, int ready, double panic, int want)
    {
        var spec = Spec(s => s with { TargetBurstCapacity = tbc });
        var got = KpaDecider.Scale(spec, DeciderState.For(spec, 0, T0), MetricObservation.Of(panic, panic), ready, T0);
        Assert.True(got.ExcessBurstCapacity == want, $"{label}: want {want}, got {got.ExcessBurstCapacity}");
    }

    internal static readonly Rows<int, int, bool, string> ModeRows = new()
    {
        // label, want, excess burst capacity, inactive before, mode
        { "spare capacity: serve", 3, 13, false, ActivatorModes.Serve },
        { "capacity exactly the burst target: serve", 3, 0, false, ActivatorModes.Serve },
        { "capacity below the burst target: proxy", 3, -17, false, ActivatorModes.Proxy },
        { "TBC -1 (capacity -1): proxy whatever the scale", 10, -1, false, ActivatorModes.Proxy },
        { "TBC 0 (capacity 0) with pods: serve", 1, 0, false, ActivatorModes.Serve },
        { "TBC 0 at zero: proxy", 0, 0, true, ActivatorModes.Proxy },
        { "wanted at zero with spare capacity: proxy", 0, 50, false, ActivatorModes.Proxy },
        { "unknown want, was inactive: proxy", -1, 0, true, ActivatorModes.Proxy },
        { "unknown want, was active: serve", -1, 0, false, ActivatorModes.Serve },
    };

    public static TheoryData<string> Modes => ModeRows.Labels;

    [Theory]
    [MemberData(nameof(Modes))]
    public void ModeFollowsExcessBurstCapacity(string label)
    {
        var (want, excess, inactive, mode) = ModeRows[label];
        Assert.True(KpaDecider.Mode(want, excess, inactive) == mode, $"{label}: want {mode}, got {KpaDecider.Mode(want, excess, inactive)}");
    }

    /// <summary>One decision of a sequence: seconds after start, ready pods, averages, and what is wanted.</summary>
    public sealed record Step(int At, int Ready, double Stable, double Panic, int Want, bool WantPanic);

    internal static readonly Rows<DeciderSpec, int, Step[]> SequencesRows = new()
    {
        {
            "panic never scales down", Spec(), 0, [
                new(0, 2, 20, 100, 10, true),
                new(2, 10, 30, 30, 10, true),
                new(30, 10, 10, 10, 10, true),
            ]
        },
        {
            "panic extension and exit a stable window after the last crossing", Spec(), 0, [
                new(0, 2, 20, 100, 10, true),
                new(30, 10, 50, 200, 20, true),   // over again: extended to 30 + 60
                new(80, 20, 60, 60, 20, true),    // would be 10, still panicking
                new(90, 20, 60, 60, 20, true),    // exactly 60 s after: not yet past
                new(91, 20, 60, 60, 10, false),   // out: stable 6, limited by scale-down rate 20 / 2
            ]
        },
        {
            "scale-down delay holds the max for the window", Spec(s => s with { ScaleDownDelay = TimeSpan.FromSeconds(10) }), 0, [
                new(0, 5, 50, 50, 5, false),
                new(2, 5, 10, 10, 5, false),
                new(8, 5, 10, 10, 5, false),
                new(10, 5, 10, 10, 2, false),
            ]
        },
        {
            "scale-down delay lets increases through", Spec(s => s with { ScaleDownDelay = TimeSpan.FromSeconds(10) }), 0, [
                new(0, 5, 50, 50, 5, false),
                new(2, 5, 70, 70, 7, false),
            ]
        },
        {
            "restarted with 5 ready pods starts in panic at 5", Spec(), 5, [
                new(0, 5, 0, 0, 5, true),
                new(40, 5, 0, 0, 5, true),
                new(61, 5, 0, 0, 2, false),
            ]
        },
        {
            "restarted with 1 ready pod decides normally", Spec(), 1, [
                new(0, 1, 0, 0, 0, false),
            ]
        },
    };

    public static TheoryData<string> Sequences => SequencesRows.Labels;

    [Theory]
    [MemberData(nameof(Sequences))]
    public void DecidesSequences(string label)
    {
        var (spec, readyAtStart, steps) = SequencesRows[label];
        var state = DeciderState.For(spec, readyAtStart, T0);
        foreach (var step in steps)
        {
            var got = KpaDecider.Scale(spec, state, MetricObservation.Of(step.Stable, step.Panic), step.Ready, T0.AddSeconds(step.At));
            Assert.True(got.DesiredScale == step.Want && got.InPanic == step.WantPanic,
                $"{label} at {step.At}s: want {step.Want} panic={step.WantPanic}, got {got}");
        }
    }
}
