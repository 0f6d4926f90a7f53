namespace Platform.Autoscaler.Scaling;

/// <summary>
/// A revision's <c>autoscaling.knative.dev/*</c> annotations, already parsed (the resource library parses them);
/// null means "not set, use the platform default".
/// </summary>
public sealed record RevisionScalingAnnotations
{
    /// <summary>Annotation prefix, used to name fields in errors.</summary>
    public const string Prefix = "autoscaling.knative.dev/";

    /// <summary><c>metric</c>: concurrency or rps.</summary>
    public ScalingMetric? Metric { get; init; }

    /// <summary><c>target</c>: per-pod target (>= 0.01).</summary>
    public double? Target { get; init; }

    /// <summary><c>target-utilization-percentage</c> (1..100).</summary>
    public double? TargetUtilizationPercentage { get; init; }

    /// <summary><c>min-scale</c> (>= 0).</summary>
    public int? MinScale { get; init; }

    /// <summary><c>max-scale</c> (>= 0, 0 = unbounded).</summary>
    public int? MaxScale { get; init; }

    /// <summary><c>initial-scale</c> (>= 0; 0 only when allowed platform-wide).</summary>
    public int? InitialScale { get; init; }

    /// <summary><c>activation-scale</c>: pods when scaling up from zero (>= 1).</summary>
    public int? ActivationScale { get; init; }

    /// <summary><c>scale-down-delay</c> (0..1h).</summary>
    public TimeSpan? ScaleDownDelay { get; init; }

    /// <summary><c>scale-to-zero-pod-retention-period</c> (0..1h).</summary>
    public TimeSpan? ScaleToZeroPodRetentionPeriod { get; init; }

    /// <summary><c>window</c>: the stable window (6s..1h, whole seconds).</summary>
    public TimeSpan? Window { get; init; }

    /// <summary><c>panic-window-percentage</c> (1..100).</summary>
    public double? PanicWindowPercentage { get; init; }

    /// <summary><c>panic-threshold-percentage</c> (110..1000).</summary>
    public double? PanicThresholdPercentage { get; init; }

    /// <summary><c>target-burst-capacity</c> (-1 or >= 0).</summary>
    public double? TargetBurstCapacity { get; init; }

    /// <summary>Every out-of-range value, each naming its annotation; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string key, string rule) { if (!ok) errors.Add($"{Prefix}{key}: {rule}"); }
        if (Target is { } t) Check(t >= 0.01, "target", "must be >= 0.01");
        if (TargetUtilizationPercentage is { } tu) Check(tu is >= 1 and <= 100, "target-utilization-percentage", "must be 1..100");
        if (MinScale is { } min) Check(min >= 0, "min-scale", "must be >= 0");
        if (MaxScale is { } max) Check(max >= 0, "max-scale", "must be >= 0");
        if (MinScale is { } mn && MaxScale is { } mx && mx != 0) Check(mn <= mx, "min-scale", $"must be <= max-scale ({mx})");
        if (InitialScale is { } init) Check(init >= 0, "initial-scale", "must be >= 0");
        if (ActivationScale is { } act) Check(act >= 1, "activation-scale", "must be >= 1");
        if (ScaleDownDelay is { } sdd) Check(sdd >= TimeSpan.Zero && sdd <= TimeSpan.FromHours(1), "scale-down-delay", "must be 0s..1h");
        if (ScaleToZeroPodRetentionPeriod is { } ret) Check(ret >= TimeSpan.Zero && ret <= TimeSpan.FromHours(1), "scale-to-zero-pod-retention-period", "must be 0s..1h");
        if (Window is { } w)
            Check(w >= TimeSpan.FromSeconds(6) && w <= TimeSpan.FromHours(1) && w.Ticks % TimeSpan.TicksPerSecond == 0, "window", "must be 6s..1h in whole seconds");
        if (PanicWindowPercentage is { } pw) Check(pw is >= 1 and <= 100, "panic-window-percentage", "must be 1..100");
        if (PanicThresholdPercentage is { } pt) Check(pt is >= 110 and <= 1000, "panic-threshold-percentage", "must be 110..1000");
        if (TargetBurstCapacity is { } tbc) Check(tbc >= -1, "target-burst-capacity", "must be -1 or >= 0");
        return errors;
    }
}

/// <summary>What the autoscaler needs to know about a revision, sent by the serving controller when it reconciles it.</summary>
public sealed record RevisionScalingSpec
{
    /// <summary><c>spec.containerConcurrency</c>: 0 = unlimited (0..1000).</summary>
    public int ContainerConcurrency { get; init; }

    /// <summary>False when no route sends traffic to the revision: min-scale is ignored and it may drop to zero at once.</summary>
    public bool Reachable { get; init; } = true;

    /// <summary>
    /// Ready pods when the revision is registered with pods already running (e.g. re-registered after an autoscaler
    /// restart without persisted state): more than one starts the decider in panic at that count. Used only when the
    /// revision's autoscaler is created.
    /// </summary>
    public int? ReadyPods { get; init; }

    /// <summary>The revision's parsed autoscaling annotations.</summary>
    public RevisionScalingAnnotations Annotations { get; init; } = new();

    /// <summary>Every invalid field, with its path; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (ContainerConcurrency is < 0 or > 1000) errors.Add("spec.containerConcurrency: must be 0..1000");
        if (ReadyPods is < 0) errors.Add("readyPods: must be >= 0");
        errors.AddRange(Annotations.Validate().Select(e => "metadata.annotations." + e));
        return errors;
    }
}
