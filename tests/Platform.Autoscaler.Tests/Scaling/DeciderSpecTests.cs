using Platform.Autoscaler.Scaling;
using Platform.Testing;

namespace Platform.Autoscaler.Tests.Scaling;

public class DeciderSpecTests
{
    internal static readonly Rows<RevisionScalingSpec, double, double> TargetsRows = new()
    {
        // label, revision, want target value, want total value
        { "cc 0: concurrency default 100 × 70 %", new RevisionScalingSpec(), 70, 100 },
        { "cc 10 × 70 %", new RevisionScalingSpec { ContainerConcurrency = 10 }, 7, 10 },
        { "target annotation", new RevisionScalingSpec { Annotations = new() { Target = 50 } }, 35, 50 },
        { "target annotation capped by cc", new RevisionScalingSpec { ContainerConcurrency = 10, Annotations = new() { Target = 50 } }, 7, 10 },
        { "utilisation annotation", new RevisionScalingSpec { ContainerConcurrency = 10, Annotations = new() { TargetUtilizationPercentage = 100 } }, 10, 10 },
        { "rps default 200 × 70 %", new RevisionScalingSpec { Annotations = new() { Metric = "rps" } }, 140, 200 },
        { "rps ignores cc", new RevisionScalingSpec { ContainerConcurrency = 10, Annotations = new() { Metric = "rps", Target = 50 } }, 35, 50 },
        { "target never below 0.01", new RevisionScalingSpec { Annotations = new() { Target = 0.01, TargetUtilizationPercentage = 1 } }, 0.01, 0.01 },
    };

    public static TheoryData<string> Targets => TargetsRows.Labels;

    [Theory]
    [MemberData(nameof(Targets))]
    public void ResolvesTargets(string label)
    {
        var (revision, wantTarget, wantTotal) = TargetsRows[label];
        var spec = DeciderSpec.Resolve(new AutoscalerDefaults(), revision);
        Assert.True(Math.Abs(spec.TargetValue - wantTarget) < 1e-9 && Math.Abs(spec.TotalValue - wantTotal) < 1e-9,
            $"{label}: want target {wantTarget} total {wantTotal}, got {spec.TargetValue} {spec.TotalValue}");
    }

    [Theory]
    [InlineData("default 60 s × 10 %", null, null, 60, 6)]
    [InlineData("window 100 s × 10 % rounds to 10", 100, null, 100, 10)]
    [InlineData("window 6 s × 10 % is at least 1 s", 6, null, 6, 1)]
    [InlineData("window 25 s × 10 % = 2.5 rounds to 3", 25, null, 25, 3)]
    [InlineData("percentage 50", null, 50.0, 60, 30)]
    public void ResolvesWindows(string label, int? window, double? panicPercentage, int wantStable, int wantPanic)
    {
        var spec = DeciderSpec.Resolve(new AutoscalerDefaults(), new RevisionScalingSpec
        {
            Annotations = new() { Window = window is { } w ? TimeSpan.FromSeconds(w) : null, PanicWindowPercentage = panicPercentage },
        });
        Assert.True(spec.StableSeconds == wantStable && spec.PanicSeconds == wantPanic, $"{label}: got {spec.StableSeconds}/{spec.PanicSeconds}");
    }

    [Theory]
    [InlineData("default initial 1", null, false, 1)]
    [InlineData("annotation 3", 3, false, 3)]
    [InlineData("annotation 0 ignored unless allowed", 0, false, 1)]
    [InlineData("annotation 0 when allowed", 0, true, 0)]
    public void ResolvesInitialScale(string label, int? initial, bool allowZero, int want)
    {
        var spec = DeciderSpec.Resolve(new AutoscalerDefaults { AllowZeroInitialScale = allowZero },
            new RevisionScalingSpec { Annotations = new() { InitialScale = initial } });
        Assert.True(spec.InitialScale == want, $"{label}: got {spec.InitialScale}");
    }

    [Fact]
    public void AnnotationsOverrideDefaults()
    {
        var spec = DeciderSpec.Resolve(new AutoscalerDefaults { ScaleToZeroPodRetentionPeriod = TimeSpan.FromSeconds(5) }, new RevisionScalingSpec
        {
            Reachable = false,
            Annotations = new()
            {
                MinScale = 2,
                MaxScale = 9,
                ActivationScale = 3,
                ScaleDownDelay = TimeSpan.FromMinutes(2),
                ScaleToZeroPodRetentionPeriod = TimeSpan.FromMinutes(1),
                PanicThresholdPercentage = 300,
                TargetBurstCapacity = -1,
            },
        });
        Assert.Equal((2, 9, 3, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(1), 3.0, -1.0, false),
            (spec.MinScale, spec.MaxScale, spec.ActivationScale, spec.ScaleDownDelay, spec.ScaleToZeroPodRetentionPeriod, spec.PanicThreshold, spec.TargetBurstCapacity, spec.Reachable));
        Assert.Equal(TimeSpan.FromMinutes(1), spec.ScaleToZeroAfter);
    }

    [Fact]
    public void DefaultsValidationNamesTheKey()
    {
        var errors = new AutoscalerDefaults { MaxScaleDownRate = 1, StableWindow = TimeSpan.FromSeconds(1) }.Validate();
        Assert.Contains(errors, e => e.StartsWith("Autoscaler:Defaults:MaxScaleDownRate", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Autoscaler:Defaults:StableWindow", StringComparison.Ordinal));
        Assert.Empty(new AutoscalerDefaults().Validate());
    }
}
