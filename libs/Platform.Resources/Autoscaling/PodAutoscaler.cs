using Platform.Resources.Meta;

namespace Platform.Resources.Autoscaling;

/// <summary>
/// autoscaling.internal.knative.dev/v1alpha1 PodAutoscaler: scale as a resource, as in Knative. One per Revision
/// (same name, owned by it). The revision reconciler writes the spec and copies the revision's
/// <c>autoscaling.knative.dev/*</c> annotations; the autoscaler writes <c>status.desiredScale</c> and the
/// <c>Active</c>/<c>Ready</c> conditions; the workload backend (or its supervisor) reconciles replicas to the desired
/// scale and writes <c>status.actualScale</c>. In Kubernetes mode KEDA's external scaler reports the same desired
/// scale, so the decision is made once and read everywhere from this object.
/// </summary>
public sealed class PodAutoscaler : Resource<PodAutoscalerSpec, PodAutoscalerStatus>
{
    /// <summary>The API group.</summary>
    public const string Group = "autoscaling.internal.knative.dev";

    /// <summary><c>autoscaling.internal.knative.dev/v1alpha1</c>.</summary>
    public const string V1Alpha1 = Group + "/v1alpha1";

    /// <summary>Creates an empty PodAutoscaler.</summary>
    public PodAutoscaler() : base(V1Alpha1, "PodAutoscaler")
    {
    }
}

/// <summary>What the autoscaler scales and how.</summary>
public sealed class PodAutoscalerSpec
{
    /// <summary>The workload scaled: in Kubernetes the revision's Deployment (<c>apps/v1 Deployment {revision}-deployment</c>).</summary>
    public ObjectReference? ScaleTargetRef { get; set; }

    /// <summary>The revision's <c>containerConcurrency</c>: 0 = unlimited (0..1000).</summary>
    public long? ContainerConcurrency { get; set; }

    /// <summary><c>Reachable</c> (a route sends it traffic), <c>Unreachable</c> (min-scale is ignored: it may drop to zero), or empty (unknown).</summary>
    public string? Reachability { get; set; }

    /// <summary><c>http1</c> or <c>h2c</c>.</summary>
    public string? ProtocolType { get; set; }
}

/// <summary>A reference to another object.</summary>
public sealed class ObjectReference
{
    /// <summary>Its apiVersion.</summary>
    public string? ApiVersion { get; set; }

    /// <summary>Its kind.</summary>
    public string? Kind { get; set; }

    /// <summary>Its name (same namespace).</summary>
    public string? Name { get; set; }
}

/// <summary>The scale decided and the scale reached.</summary>
public sealed class PodAutoscalerStatus : KnativeStatus
{
    /// <summary>Replicas the autoscaler wants; null until its first decision.</summary>
    public int? DesiredScale { get; set; }

    /// <summary>Ready replicas the workload backend last saw; null until it first reported.</summary>
    public int? ActualScale { get; set; }

    /// <summary>The Kubernetes Service in front of the replicas (Kubernetes mode).</summary>
    public string? ServiceName { get; set; }

    /// <summary>The Service the replicas' metrics are scraped from (unused: the activator reports them).</summary>
    public string? MetricsServiceName { get; set; }

    /// <summary>
    /// The mode of Knative's ServerlessService, decided by the autoscaler: <c>Serve</c> (spare capacity of at least
    /// <c>target-burst-capacity</c>: the activator forwards straight to ready replicas) or <c>Proxy</c> (the
    /// activator's throttler queues and caps requests; at zero, with too little spare capacity, and with
    /// <c>target-burst-capacity: -1</c>). Null (not decided yet) means Proxy. Values: Platform.Serving.Contracts'
    /// <c>ActivatorModes</c>.
    /// </summary>
    public string? Mode { get; set; }
}

/// <summary>PodAutoscaler vocabulary: reachability values and condition types.</summary>
public static class PodAutoscalerValues
{
    /// <summary>A route sends the revision traffic.</summary>
    public const string Reachable = "Reachable";

    /// <summary>No route sends the revision traffic.</summary>
    public const string Unreachable = "Unreachable";

    /// <summary>Condition: the revision has (or is getting) replicas to serve traffic; False with reason NoTraffic at zero.</summary>
    public const string Active = "Active";

    /// <summary>Condition: the autoscaler made its first decision for the revision.</summary>
    public const string ScaleTargetInitialized = "ScaleTargetInitialized";
}
