namespace Platform.Autoscaler.Scaling;

/// <summary>
/// Everything the KPA decider and the revision-level rules need, fully resolved: platform defaults overridden by
/// the revision's annotations (<see cref="Resolve"/>).
/// </summary>
internal sealed record DeciderSpec
{
    /// <summary>Scaling metric.</summary>
    public ScalingMetric Metric { get; init; }

    /// <summary>Per-pod value aimed at: max(0.01, <see cref="TotalValue"/> × utilisation).</summary>
    public double TargetValue { get; init; }

    /// <summary>Per-pod maximum of the metric (containerConcurrency, target annotation or default).</summary>
    public double TotalValue { get; init; }

    /// <summary>Max scale-up rate (× ready pods).</summary>
    public double MaxScaleUpRate { get; init; }

    /// <summary>Max scale-down rate (÷ ready pods).</summary>
    public double MaxScaleDownRate { get; init; }

    /// <summary>Panic when desired panic pods ÷ ready pods reaches this ratio (2.0 = 200 %).</summary>
    public double PanicThreshold { get; init; }

    /// <summary>Stable window (whole seconds).</summary>
    public TimeSpan StableWindow { get; init; }

    /// <summary>Panic window: round(stable × percentage ÷ 100), at least 1 s.</summary>
    public TimeSpan PanicWindow { get; init; }

    /// <summary>Target burst capacity (-1: activator always in path; 0: only at zero).</summary>
    public double TargetBurstCapacity { get; init; }

    /// <summary>Minimum pods when scaling up from zero.</summary>
    public int ActivationScale { get; init; } = 1;

    /// <summary>Scale-down delay window (0 = none).</summary>
    public TimeSpan ScaleDownDelay { get; init; }

    /// <summary>Initial scale, held until first reached.</summary>
    public int InitialScale { get; init; } = 1;

    /// <summary>Min scale (ignored when not reachable).</summary>
    public int MinScale { get; init; }

    /// <summary>Max scale, 0 = unbounded.</summary>
    public int MaxScale { get; init; }

    /// <summary>Whether a route sends traffic to the revision.</summary>
    public bool Reachable { get; init; } = true;

    /// <summary>Whether the revision may go to zero pods.</summary>
    public bool EnableScaleToZero { get; init; } = true;

    /// <summary>Scale-to-zero grace period.</summary>
    public TimeSpan ScaleToZeroGracePeriod { get; init; }

    /// <summary>Scale-to-zero pod retention period.</summary>
    public TimeSpan ScaleToZeroPodRetentionPeriod { get; init; }

    /// <summary>Give up activating after this long.</summary>
    public TimeSpan ActivationTimeout { get; init; }

    /// <summary>Decision interval, also the granularity of the scale-down-delay window.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Stable window in whole 1-second buckets.</summary>
    public int StableSeconds => Math.Max(1, (int)Math.Round(StableWindow.TotalSeconds));

    /// <summary>Panic window in whole 1-second buckets.</summary>
    public int PanicSeconds => Math.Clamp((int)Math.Round(PanicWindow.TotalSeconds), 1, StableSeconds);

    /// <summary>How long a revision must be inactive before its last pod goes: max(grace, retention).</summary>
    public TimeSpan ScaleToZeroAfter => ScaleToZeroGracePeriod > ScaleToZeroPodRetentionPeriod ? ScaleToZeroGracePeriod : ScaleToZeroPodRetentionPeriod;

    /// <summary>Resolves a revision's spec against the platform defaults, the way Knative's <c>MakeDecider</c> does.</summary>
    public static DeciderSpec Resolve(AutoscalerDefaults defaults, RevisionScalingSpec revision)
    {
        var a = revision.Annotations;
        var metric = string.Equals(a.Metric, "rps", StringComparison.Ordinal) ? ScalingMetric.Rps : ScalingMetric.Concurrency;
        double total, utilisation;
        if (metric == ScalingMetric.Rps)
        {
            total = defaults.RequestsPerSecondTargetDefault;
            utilisation = defaults.TargetUtilizationPercentage / 100;
        }
        else
        {
            // containerConcurrency 0 (unlimited) targets the default.
            total = revision.ContainerConcurrency > 0 ? revision.ContainerConcurrency : defaults.ContainerConcurrencyTargetDefault;
            utilisation = defaults.ContainerConcurrencyTargetPercentage / 100;
        }
        if (a.Target is { } target)
            total = metric == ScalingMetric.Concurrency && revision.ContainerConcurrency > 0 ? Math.Min(target, revision.ContainerConcurrency) : target;
        if (a.TargetUtilizationPercentage is { } tu) utilisation = tu / 100;

        var stable = a.Window ?? defaults.StableWindow;
        var panicPercentage = a.PanicWindowPercentage ?? defaults.PanicWindowPercentage;
        var panicSeconds = Math.Max(1, Math.Round(stable.TotalSeconds * panicPercentage / 100, MidpointRounding.AwayFromZero));

        // As Knative's GetInitialScale: initial-scale 0 only counts when allow-zero-initial-scale.
        var initial = a.InitialScale is not { } i || (i == 0 && !defaults.AllowZeroInitialScale) ? defaults.InitialScale : i;

        return new DeciderSpec
        {
            Metric = metric,
            TotalValue = total,
            TargetValue = Math.Max(0.01, total * utilisation),
            MaxScaleUpRate = defaults.MaxScaleUpRate,
            MaxScaleDownRate = defaults.MaxScaleDownRate,
            PanicThreshold = (a.PanicThresholdPercentage ?? defaults.PanicThresholdPercentage) / 100,
            StableWindow = stable,
            PanicWindow = TimeSpan.FromSeconds(panicSeconds),
            TargetBurstCapacity = a.TargetBurstCapacity ?? defaults.TargetBurstCapacity,
            ActivationScale = a.ActivationScale ?? 1,
            ScaleDownDelay = a.ScaleDownDelay ?? defaults.ScaleDownDelay,
            InitialScale = initial,
            MinScale = a.MinScale ?? defaults.MinScale,
            MaxScale = a.MaxScale ?? defaults.MaxScale,
            Reachable = revision.Reachable,
            EnableScaleToZero = defaults.EnableScaleToZero,
            ScaleToZeroGracePeriod = defaults.ScaleToZeroGracePeriod,
            ScaleToZeroPodRetentionPeriod = a.ScaleToZeroPodRetentionPeriod ?? defaults.ScaleToZeroPodRetentionPeriod,
            ActivationTimeout = defaults.ActivationTimeout,
            TickInterval = defaults.TickInterval,
        };
    }
}
