namespace Platform.Resources.Autoscaling;

/// <summary>
/// The autoscaling annotations of a revision, parsed. A null value means "not set: use the platform-wide default"
/// (the autoscaler owns the defaults: stable window 60s, target 100, utilisation 70%, ...).
/// </summary>
public sealed record AutoscalingSettings
{
    /// <summary><c>kpa.autoscaling.knative.dev</c> or <c>hpa.autoscaling.knative.dev</c>.</summary>
    public string? Class { get; init; }

    /// <summary>
    /// True for <c>hpa.autoscaling.knative.dev</c>: scaled on CPU or memory by an HPA (locally the workload
    /// supervisor's, in a cluster KEDA's cpu/memory triggers), never by the KPA.
    /// </summary>
    public bool IsHpaClass => Class == AutoscalingAnnotations.HpaClass;

    /// <summary><c>concurrency</c>, <c>rps</c>, <c>cpu</c> or <c>memory</c>.</summary>
    public string? Metric { get; init; }

    /// <summary>Target per replica (concurrent requests or requests per second), &gt;= 0.01.</summary>
    public double? Target { get; init; }

    /// <summary>Share of the target aimed at, 1..100 (percent).</summary>
    public double? TargetUtilizationPercentage { get; init; }

    /// <summary>Lower bound on replicas.</summary>
    public int? MinScale { get; init; }

    /// <summary>Upper bound on replicas; 0 = unlimited.</summary>
    public int? MaxScale { get; init; }

    /// <summary>Replicas at creation.</summary>
    public int? InitialScale { get; init; }

    /// <summary>Replicas when scaling up from zero, &gt;= 1.</summary>
    public int? ActivationScale { get; init; }

    /// <summary>How long a scale-down is delayed, 0..1h.</summary>
    public TimeSpan? ScaleDownDelay { get; init; }

    /// <summary>Minimum time the last replica is kept once the revision is idle, 0..1h.</summary>
    public TimeSpan? ScaleToZeroPodRetentionPeriod { get; init; }

    /// <summary>Stable window, 6s..1h.</summary>
    public TimeSpan? Window { get; init; }

    /// <summary>Panic window as a percentage of the stable window, 1..100.</summary>
    public double? PanicWindowPercentage { get; init; }

    /// <summary>Panic threshold as a percentage of the target, 110..1000.</summary>
    public double? PanicThresholdPercentage { get; init; }

    /// <summary>Target burst capacity: -1 (activator always in path) or &gt;= 0.</summary>
    public double? TargetBurstCapacity { get; init; }

    /// <summary><c>linear</c> or <c>weightedExponential</c>.</summary>
    public string? MetricAggregationAlgorithm { get; init; }

    /// <summary>
    /// Parses the annotations, ignoring invalid values (the API refuses them before they are stored; use
    /// <see cref="AutoscalingAnnotations.Parse"/> to get the errors).
    /// </summary>
    public static AutoscalingSettings FromAnnotations(IReadOnlyDictionary<string, string>? annotations) =>
        AutoscalingAnnotations.Parse(annotations, "metadata.annotations", allowZeroInitialScale: true, []);
}
