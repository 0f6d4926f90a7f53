namespace Platform.Autoscaler.Scaling;

/// <summary>
/// Platform-wide autoscaling defaults, Knative's <c>config-autoscaler</c>; bound from the configuration section
/// <c>Autoscaler:Defaults</c> (e.g. <c>Autoscaler__Defaults__StableWindow=00:01:30</c>). Revision annotations
/// override most of them (<see cref="RevisionScalingSpec.Annotations"/>).
/// </summary>
// Public: a parameter of the actor's constructor, which Dapr's activator needs public.
public sealed record AutoscalerDefaults
{
    /// <summary>Configuration section the defaults are bound from.</summary>
    public const string SectionName = "Autoscaler:Defaults";

    /// <summary><c>enable-scale-to-zero</c>: when false, a revision never goes below one pod. Default true.</summary>
    public bool EnableScaleToZero { get; init; } = true;

    /// <summary><c>container-concurrency-target-percentage</c>: utilisation aimed at for concurrency. Default 70.</summary>
    public double ContainerConcurrencyTargetPercentage { get; init; } = 70;

    /// <summary><c>container-concurrency-target-default</c>: per-pod concurrency when <c>containerConcurrency</c> is 0. Default 100.</summary>
    public double ContainerConcurrencyTargetDefault { get; init; } = 100;

    /// <summary>Utilisation aimed at for metrics other than concurrency (rps). Default 70.</summary>
    public double TargetUtilizationPercentage { get; init; } = 70;

    /// <summary><c>requests-per-second-target-default</c>: per-pod rps target. Default 200.</summary>
    public double RequestsPerSecondTargetDefault { get; init; } = 200;

    /// <summary><c>max-scale-up-rate</c>: at most this many times the ready pods per decision. Default 1000.</summary>
    public double MaxScaleUpRate { get; init; } = 1000;

    /// <summary><c>max-scale-down-rate</c>: at least ready ÷ this many pods are kept per decision. Default 2.</summary>
    public double MaxScaleDownRate { get; init; } = 2;

    /// <summary><c>target-burst-capacity</c>: spare requests kept before the activator leaves the path (-1 always in path). Default 211.</summary>
    public double TargetBurstCapacity { get; init; } = 211;

    /// <summary><c>panic-window-percentage</c>: the panic window as a percentage of the stable window. Default 10.</summary>
    public double PanicWindowPercentage { get; init; } = 10;

    /// <summary><c>panic-threshold-percentage</c>: panic when the panic-window want is this percent of ready pods. Default 200.</summary>
    public double PanicThresholdPercentage { get; init; } = 200;

    /// <summary><c>stable-window</c>. Default 60 s.</summary>
    public TimeSpan StableWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary><c>scale-to-zero-grace-period</c>: how long the last pod is kept once inactive. Default 30 s.</summary>
    public TimeSpan ScaleToZeroGracePeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>scale-to-zero-pod-retention-period</c>: minimum life of the last pod once inactive. Default 0.</summary>
    public TimeSpan ScaleToZeroPodRetentionPeriod { get; init; } = TimeSpan.Zero;

    /// <summary><c>scale-down-delay</c>: scale down to the maximum wanted over this window. Default 0 (off).</summary>
    public TimeSpan ScaleDownDelay { get; init; } = TimeSpan.Zero;

    /// <summary><c>initial-scale</c>: pods of a new revision until first reached. Default 1.</summary>
    public int InitialScale { get; init; } = 1;

    /// <summary><c>allow-zero-initial-scale</c>: whether <c>initial-scale: 0</c> is honoured. Default false.</summary>
    public bool AllowZeroInitialScale { get; init; }

    /// <summary><c>min-scale</c>. Default 0.</summary>
    public int MinScale { get; init; }

    /// <summary><c>max-scale</c>: 0 means unbounded. Default 0.</summary>
    public int MaxScale { get; init; }

    /// <summary>Give up activating (and allow zero) after this long: progress deadline 600 s + 30 s buffer.</summary>
    public TimeSpan ActivationTimeout { get; init; } = TimeSpan.FromSeconds(630);

    /// <summary>How often each revision is decided. Default 2 s.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Every invalid setting, each naming its key; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string key, string rule) { if (!ok) errors.Add($"{SectionName}:{key}: {rule}"); }
        Check(ContainerConcurrencyTargetPercentage is >= 1 and <= 100, nameof(ContainerConcurrencyTargetPercentage), "must be 1..100");
        Check(TargetUtilizationPercentage is >= 1 and <= 100, nameof(TargetUtilizationPercentage), "must be 1..100");
        Check(ContainerConcurrencyTargetDefault >= 0.01, nameof(ContainerConcurrencyTargetDefault), "must be >= 0.01");
        Check(RequestsPerSecondTargetDefault >= 0.01, nameof(RequestsPerSecondTargetDefault), "must be >= 0.01");
        Check(MaxScaleUpRate > 1, nameof(MaxScaleUpRate), "must be > 1");
        Check(MaxScaleDownRate > 1, nameof(MaxScaleDownRate), "must be > 1");
        Check(TargetBurstCapacity >= -1, nameof(TargetBurstCapacity), "must be -1 or >= 0");
        Check(PanicWindowPercentage is >= 1 and <= 100, nameof(PanicWindowPercentage), "must be 1..100");
        Check(PanicThresholdPercentage is >= 110 and <= 1000, nameof(PanicThresholdPercentage), "must be 110..1000");
        Check(StableWindow >= TimeSpan.FromSeconds(6) && StableWindow <= TimeSpan.FromHours(1), nameof(StableWindow), "must be 6s..1h");
        Check(ScaleToZeroGracePeriod >= TimeSpan.FromSeconds(6), nameof(ScaleToZeroGracePeriod), "must be >= 6s");
        Check(ScaleToZeroPodRetentionPeriod >= TimeSpan.Zero, nameof(ScaleToZeroPodRetentionPeriod), "must be >= 0");
        Check(ScaleDownDelay >= TimeSpan.Zero && ScaleDownDelay <= TimeSpan.FromHours(1), nameof(ScaleDownDelay), "must be 0..1h");
        Check(InitialScale >= 0, nameof(InitialScale), "must be >= 0");
        Check(MinScale >= 0, nameof(MinScale), "must be >= 0");
        Check(MaxScale >= 0, nameof(MaxScale), "must be >= 0 (0 = unbounded)");
        Check(MaxScale == 0 || MinScale <= MaxScale, nameof(MinScale), "must be <= MaxScale");
        Check(TickInterval >= TimeSpan.FromMilliseconds(100), nameof(TickInterval), "must be >= 100ms");
        Check(ActivationTimeout > TimeSpan.Zero, nameof(ActivationTimeout), "must be > 0");
        return errors;
    }
}
