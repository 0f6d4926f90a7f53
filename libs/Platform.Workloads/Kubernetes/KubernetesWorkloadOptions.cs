using System.Globalization;

namespace Platform.Workloads.Kubernetes;

/// <summary>
/// Settings of the Kubernetes workload backend and of the manifests it builds for revisions (configuration section
/// <c>Workloads:Kubernetes</c>). Every default is documented on its property.
/// </summary>
public sealed record KubernetesWorkloadOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Workloads:Kubernetes";

    /// <summary>Namespace Platform's control plane runs in (default <c>platform-system</c>).</summary>
    public string PlatformNamespace { get; init; } = "platform-system";

    /// <summary>Name of the autoscaler's Kubernetes Service (default <c>autoscaler</c>).</summary>
    public string AutoscalerService { get; init; } = "autoscaler";

    /// <summary>Port of the autoscaler's KEDA external scaler (gRPC, h2c; default 9090).</summary>
    public int ScalerPort { get; init; } = 9090;

    /// <summary>
    /// The <c>scalerAddress</c> KEDA dials (<c>host:port</c>); default <c>{AutoscalerService}.{PlatformNamespace}.svc.cluster.local:{ScalerPort}</c>.
    /// </summary>
    public string? ScalerAddress { get; init; }

    /// <summary><see cref="ScalerAddress"/>, or its default.</summary>
    public string EffectiveScalerAddress => ScalerAddress is { Length: > 0 } address
        ? address
        : string.Create(CultureInfo.InvariantCulture, $"{AutoscalerService}.{PlatformNamespace}.svc.cluster.local:{ScalerPort}");

    /// <summary>How often a write refused with 409 Conflict is tried again on fresh data within one ensure (default 5).</summary>
    public int ConflictRetries { get; init; } = 5;

    /// <summary><c>maxReplicaCount</c> when the revision sets no max-scale (KEDA's own default, 100).</summary>
    public int DefaultMaxReplicas { get; init; } = 100;

    /// <summary>KEDA <c>cooldownPeriod</c>, seconds after the last active report before scaling to zero (default 30: Knative's scale-to-zero grace).</summary>
    public int CooldownPeriodSeconds { get; init; } = 30;

    /// <summary>KEDA <c>pollingInterval</c>, seconds between IsActive calls (default 2: the decider's tick).</summary>
    public int PollingIntervalSeconds { get; init; } = 2;

    /// <summary>Knative's max scale-down rate: the HPA may remove at most 1/rate of the replicas per period (default 2).</summary>
    public double MaxScaleDownRate { get; init; } = 2;

    /// <summary>Knative's max scale-up rate: the HPA may grow to rate × replicas per period (default 1000).</summary>
    public double MaxScaleUpRate { get; init; } = 1000;

    /// <summary>The Deployment's <c>progressDeadlineSeconds</c> (Knative's default, 600).</summary>
    public int ProgressDeadlineSeconds { get; init; } = 600;

    /// <summary>Port of the revision's Kubernetes Service (default 80).</summary>
    public int ServicePort { get; init; } = 80;
}
