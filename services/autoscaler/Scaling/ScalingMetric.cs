namespace Platform.Autoscaler.Scaling;

/// <summary>What the KPA scales on (<c>autoscaling.knative.dev/metric</c>).</summary>
// Public: Dapr emits the actor's proxies and dispatchers at run time, and they can only use public types.
public enum ScalingMetric
{
    /// <summary>In-flight requests, averaged per second (<c>concurrency</c>, the default).</summary>
    Concurrency,

    /// <summary>Requests per second (<c>rps</c>).</summary>
    Rps,
}

/// <summary>Names of <see cref="ScalingMetric"/> as Knative spells them.</summary>
internal static class ScalingMetricNames
{
    /// <summary><c>concurrency</c> or <c>rps</c>: the annotation value, also the KEDA metric name.</summary>
    public static string ToName(this ScalingMetric metric) => metric == ScalingMetric.Rps ? "rps" : "concurrency";
}
