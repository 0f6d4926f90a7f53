using System.Globalization;
using Platform.Resources.Durations;
using Platform.Resources.Validation;

namespace Platform.Resources.Autoscaling;

/// <summary>The <c>autoscaling.knative.dev/*</c> annotation keys, their values, and their parsing with validation.</summary>
internal static class AutoscalingAnnotations
{
    /// <summary>Annotation prefix.</summary>
    public const string Prefix = "autoscaling.knative.dev/";

    /// <summary>Autoscaler class.</summary>
    public const string Class = Prefix + "class";

    /// <summary>Scaling metric.</summary>
    public const string Metric = Prefix + "metric";

    /// <summary>Target per replica.</summary>
    public const string Target = Prefix + "target";

    /// <summary>Target utilisation percentage.</summary>
    public const string TargetUtilizationPercentage = Prefix + "target-utilization-percentage";

    /// <summary>Minimum replicas.</summary>
    public const string MinScale = Prefix + "min-scale";

    /// <summary>Maximum replicas.</summary>
    public const string MaxScale = Prefix + "max-scale";

    /// <summary>Initial replicas.</summary>
    public const string InitialScale = Prefix + "initial-scale";

    /// <summary>Replicas when activating from zero.</summary>
    public const string ActivationScale = Prefix + "activation-scale";

    /// <summary>Scale-down delay.</summary>
    public const string ScaleDownDelay = Prefix + "scale-down-delay";

    /// <summary>Scale-to-zero pod retention period.</summary>
    public const string ScaleToZeroPodRetentionPeriod = Prefix + "scale-to-zero-pod-retention-period";

    /// <summary>Stable window.</summary>
    public const string Window = Prefix + "window";

    /// <summary>Panic window percentage.</summary>
    public const string PanicWindowPercentage = Prefix + "panic-window-percentage";

    /// <summary>Panic threshold percentage.</summary>
    public const string PanicThresholdPercentage = Prefix + "panic-threshold-percentage";

    /// <summary>Target burst capacity.</summary>
    public const string TargetBurstCapacity = Prefix + "target-burst-capacity";

    /// <summary>Metric aggregation algorithm.</summary>
    public const string MetricAggregationAlgorithm = Prefix + "metric-aggregation-algorithm";

    /// <summary>The Knative Pod Autoscaler class.</summary>
    public const string KpaClass = "kpa.autoscaling.knative.dev";

    /// <summary>The Kubernetes HPA class.</summary>
    public const string HpaClass = "hpa.autoscaling.knative.dev";

    /// <summary>Label making a Service reachable only inside the cluster.</summary>
    public const string VisibilityLabel = "networking.knative.dev/visibility";

    /// <summary>The only valid value of <see cref="VisibilityLabel"/>.</summary>
    public const string ClusterLocal = "cluster-local";

    // Older camelCase spellings Knative still honours; the first key present wins, as in Knative.
    private static readonly Dictionary<string, string[]> Keys = new()
    {
        [Class] = [Class],
        [Metric] = [Metric],
        [Target] = [Target],
        [TargetUtilizationPercentage] = [TargetUtilizationPercentage, Prefix + "targetUtilizationPercentage"],
        [MinScale] = [MinScale, Prefix + "minScale"],
        [MaxScale] = [MaxScale, Prefix + "maxScale"],
        [InitialScale] = [InitialScale, Prefix + "initialScale"],
        [ActivationScale] = [ActivationScale],
        [ScaleDownDelay] = [ScaleDownDelay, Prefix + "scaleDownDelay"],
        [ScaleToZeroPodRetentionPeriod] = [ScaleToZeroPodRetentionPeriod],
        [Window] = [Window],
        [PanicWindowPercentage] = [PanicWindowPercentage, Prefix + "panicWindowPercentage"],
        [PanicThresholdPercentage] = [PanicThresholdPercentage, Prefix + "panicThresholdPercentage"],
        [TargetBurstCapacity] = [TargetBurstCapacity, Prefix + "targetBurstCapacity"],
        [MetricAggregationAlgorithm] = [MetricAggregationAlgorithm],
    };

    /// <summary>True when <paramref name="key"/> is an autoscaling annotation.</summary>
    public static bool IsAutoscaling(string key) => key.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>
    /// Parses and validates every autoscaling annotation, adding one error per bad value to
    /// <paramref name="errors"/> with the path <c>{path}[key]</c>; bad values are left unset in the result.
    /// </summary>
    public static AutoscalingSettings Parse(IReadOnlyDictionary<string, string>? annotations, string path, bool allowZeroInitialScale, List<FieldError> errors)
    {
        if (annotations is null || annotations.Count == 0)
        {
            return new AutoscalingSettings();
        }

        string? Lookup(string canonical, out string key)
        {
            foreach (var candidate in Keys[canonical])
            {
                if (annotations.TryGetValue(candidate, out var value))
                {
                    key = candidate;
                    return value;
                }
            }

            key = canonical;
            return null;
        }

        void Error(string key, string message) => errors.Add(new FieldError(FieldPath.Key(path, key), message));

        int? Integer(string canonical, int min, string message)
        {
            var text = Lookup(canonical, out var key);
            if (text is null)
            {
                return null;
            }

            if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min)
            {
                return value;
            }

            Error(key, message);
            return null;
        }

        double? Number(string canonical, Func<double, bool> valid, string message)
        {
            var text = Lookup(canonical, out var key);
            if (text is null)
            {
                return null;
            }

            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && valid(value))
            {
                return value;
            }

            Error(key, message);
            return null;
        }

        TimeSpan? Duration(string canonical, TimeSpan min, TimeSpan max, string message)
        {
            var text = Lookup(canonical, out var key);
            if (text is null)
            {
                return null;
            }

            if (!GoDuration.TryParse(text, out var value) || value < min || value > max)
            {
                Error(key, message);
                return null;
            }

            if (value.Ticks % TimeSpan.TicksPerSecond != 0)
            {
                Error(key, "must be a whole number of seconds");
                return null;
            }

            return value;
        }

        string? OneOf(string canonical, string[] allowed, string message)
        {
            var text = Lookup(canonical, out var key);
            if (text is null)
            {
                return null;
            }

            if (Array.IndexOf(allowed, text) >= 0)
            {
                return text;
            }

            Error(key, message);
            return null;
        }

        var autoscalerClass = OneOf(Class, [KpaClass, HpaClass], $"must be {KpaClass} or {HpaClass}");
        var metric = OneOf(Metric, ["concurrency", "rps", "cpu", "memory"], "must be one of concurrency, rps, cpu, memory");
        if (metric is "cpu" or "memory" && (autoscalerClass ?? KpaClass) != HpaClass)
        {
            Lookup(Metric, out var metricKey);
            Error(metricKey, $"{metric} requires class {HpaClass}");
            metric = null;
        }

        var minScale = Integer(MinScale, 0, "must be an integer >= 0");
        var maxScale = Integer(MaxScale, 0, "must be an integer >= 0");
        if (minScale is int min && maxScale is int max && max != 0 && max < min)
        {
            Lookup(MaxScale, out var maxKey);
            Error(maxKey, $"must be >= min-scale ({min}) or 0 (unlimited)");
            maxScale = null;
        }

        var initialScale = Integer(InitialScale, 0, "must be an integer >= 0");
        if (initialScale == 0 && !allowZeroInitialScale)
        {
            Lookup(InitialScale, out var initialKey);
            Error(initialKey, "must be >= 1 (initial-scale 0 is not allowed: allow-zero-initial-scale is false)");
            initialScale = null;
        }

        return new AutoscalingSettings
        {
            Class = autoscalerClass,
            Metric = metric,
            Target = Number(Target, v => v >= 0.01, "must be a number >= 0.01"),
            TargetUtilizationPercentage = Number(TargetUtilizationPercentage, v => v is >= 1 and <= 100, "must be a number between 1 and 100"),
            MinScale = minScale,
            MaxScale = maxScale,
            InitialScale = initialScale,
            ActivationScale = Integer(ActivationScale, 1, "must be an integer >= 1"),
            ScaleDownDelay = Duration(ScaleDownDelay, TimeSpan.Zero, TimeSpan.FromHours(1), "must be a duration between 0s and 1h"),
            ScaleToZeroPodRetentionPeriod = Duration(ScaleToZeroPodRetentionPeriod, TimeSpan.Zero, TimeSpan.FromHours(1), "must be a duration between 0s and 1h"),
            Window = Duration(Window, TimeSpan.FromSeconds(6), TimeSpan.FromHours(1), "must be a duration between 6s and 1h"),
            PanicWindowPercentage = Number(PanicWindowPercentage, v => v is >= 1 and <= 100, "must be a number between 1 and 100"),
            PanicThresholdPercentage = Number(PanicThresholdPercentage, v => v is >= 110 and <= 1000, "must be a number between 110 and 1000"),
            TargetBurstCapacity = Number(TargetBurstCapacity, v => v == -1 || v >= 0, "must be -1 or a number >= 0"),
            MetricAggregationAlgorithm = OneOf(MetricAggregationAlgorithm, ["linear", "weightedExponential"], "must be linear or weightedExponential"),
        };
    }
}
