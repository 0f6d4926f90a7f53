namespace Platform.Autoscaler.Scaling;

/// <summary>What the KPA scales on (<c>autoscaling.knative.dev/metric</c>).</summary>
public enum ScalingMetric
{
    /// <summary>In-flight requests, averaged per second (<c>concurrency</c>, the default).</summary>
    Concurrency,

    /// <summary>Requests per second (<c>rps</c>).</summary>
    Rps,
}

/// <summary>Names of <see cref="ScalingMetric"/> as Knative spells them.</summary>
public static class ScalingMetricNames
{
    /// <summary><c>concurrency</c> or <c>rps</c>: the annotation value, also the KEDA metric name.</summary>
    public static string ToName(this ScalingMetric metric) => metric == ScalingMetric.Rps ? "rps" : "concurrency";
}
