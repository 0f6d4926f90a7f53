using Platform.Resources.Autoscaling;
using Platform.Resources.Serving;
using Platform.Resources.Validation;

namespace Platform.Resources.Tests.Autoscaling;

public class AutoscalingAnnotationsTests
{
    [Theory]
    [InlineData("class", "foo.autoscaling.knative.dev", "must be kpa.autoscaling.knative.dev or hpa.autoscaling.knative.dev")]
    [InlineData("metric", "latency", "must be one of concurrency, rps, cpu, memory")]
    [InlineData("metric", "cpu", "cpu requires class hpa.autoscaling.knative.dev")]
    [InlineData("metric", "memory", "memory requires class hpa.autoscaling.knative.dev")]
    [InlineData("target", "0", "must be a number >= 0.01")]
    [InlineData("target", "0.001", "must be a number >= 0.01")]
    [InlineData("target", "ten", "must be a number >= 0.01")]
    [InlineData("target-utilization-percentage", "0", "must be a number between 1 and 100")]
    [InlineData("target-utilization-percentage", "101", "must be a number between 1 and 100")]
    [InlineData("min-scale", "-1", "must be an integer >= 0")]
    [InlineData("min-scale", "1.5", "must be an integer >= 0")]
    [InlineData("min-scale", "one", "must be an integer >= 0")]
    [InlineData("minScale", "-1", "must be an integer >= 0")]
    [InlineData("max-scale", "-1", "must be an integer >= 0")]
    [InlineData("initial-scale", "-1", "must be an integer >= 0")]
    [InlineData("initial-scale", "0", "must be >= 1 (initial-scale 0 is not allowed: allow-zero-initial-scale is false)")]
    [InlineData("activation-scale", "0", "must be an integer >= 1")]
    [InlineData("scale-down-delay", "2h", "must be a duration between 0s and 1h")]
    [InlineData("scale-down-delay", "-1s", "must be a duration between 0s and 1h")]
    [InlineData("scale-down-delay", "soon", "must be a duration between 0s and 1h")]
    [InlineData("scale-down-delay", "1500ms", "must be a whole number of seconds")]
    [InlineData("scale-to-zero-pod-retention-period", "61m", "must be a duration between 0s and 1h")]
    [InlineData("window", "5s", "must be a duration between 6s and 1h")]
    [InlineData("window", "2h", "must be a duration between 6s and 1h")]
    [InlineData("panic-window-percentage", "0", "must be a number between 1 and 100")]
    [InlineData("panic-window-percentage", "101", "must be a number between 1 and 100")]
    [InlineData("panic-threshold-percentage", "100", "must be a number between 110 and 1000")]
    [InlineData("panic-threshold-percentage", "1001", "must be a number between 110 and 1000")]
    [InlineData("target-burst-capacity", "-2", "must be -1 or a number >= 0")]
    [InlineData("metric-aggregation-algorithm", "exponential", "must be linear or weightedExponential")]
    public void Invalid_annotation_values_are_refused_with_their_key(string name, string value, string message)
    {
        var key = "autoscaling.knative.dev/" + name;
        var errors = new List<FieldError>();
        var settings = AutoscalingAnnotations.Parse(new Dictionary<string, string> { [key] = value }, "metadata.annotations", allowZeroInitialScale: false, errors);
        Assert.Equal([$"metadata.annotations[{key}]: {message}"], errors.Select(e => e.ToString()));
        Assert.Equal(new AutoscalingSettings(), settings);
    }

    [Fact]
    public void Max_scale_below_min_scale_is_refused_unless_unlimited()
    {
        var errors = new List<FieldError>();
        AutoscalingAnnotations.Parse(new Dictionary<string, string> { [AutoscalingAnnotations.MinScale] = "5", [AutoscalingAnnotations.MaxScale] = "3" }, "metadata.annotations", false, errors);
        Assert.Equal(["metadata.annotations[autoscaling.knative.dev/max-scale]: must be >= min-scale (5) or 0 (unlimited)"], errors.Select(e => e.ToString()));

        errors.Clear();
        var settings = AutoscalingAnnotations.Parse(new Dictionary<string, string> { [AutoscalingAnnotations.MinScale] = "5", [AutoscalingAnnotations.MaxScale] = "0" }, "metadata.annotations", false, errors);
        Assert.Empty(errors);
        Assert.Equal((5, 0), (settings.MinScale, settings.MaxScale));
    }

    [Theory]
    [InlineData(AutoscalingAnnotations.Metric, "cpu")]
    [InlineData(AutoscalingAnnotations.Metric, "memory")]
    [InlineData(AutoscalingAnnotations.Metric, "concurrency")]
    public void Hpa_accepts_resource_metrics(string key, string value)
    {
        var errors = new List<FieldError>();
        var settings = AutoscalingAnnotations.Parse(new Dictionary<string, string> { [AutoscalingAnnotations.Class] = AutoscalingAnnotations.HpaClass, [key] = value }, "metadata.annotations", false, errors);
        Assert.Empty(errors);
        Assert.Equal(value, settings.Metric);
    }

    [Fact]
    public void Zero_initial_scale_is_accepted_when_allowed()
    {
        var errors = new List<FieldError>();
        var settings = AutoscalingAnnotations.Parse(new Dictionary<string, string> { [AutoscalingAnnotations.InitialScale] = "0" }, "metadata.annotations", allowZeroInitialScale: true, errors);
        Assert.Empty(errors);
        Assert.Equal(0, settings.InitialScale);
    }

    [Fact]
    public void Settings_are_parsed_from_the_documented_annotations()
    {
        var service = (Service)Manifest.Read("autoscaling.yaml")[0];
        var settings = AutoscalingSettings.FromAnnotations(service.Spec.Template!.Metadata!.Annotations);
        Assert.Equal(
            new AutoscalingSettings
            {
                Class = AutoscalingAnnotations.KpaClass,
                Metric = "rps",
                Target = 150,
                TargetUtilizationPercentage = 80,
                MinScale = 0,
                MaxScale = 10,
                InitialScale = 2,
                ActivationScale = 3,
                ScaleDownDelay = TimeSpan.FromMinutes(15),
                ScaleToZeroPodRetentionPeriod = TimeSpan.FromSeconds(65),
                Window = TimeSpan.FromSeconds(40),
                PanicWindowPercentage = 20,
                PanicThresholdPercentage = 150,
                TargetBurstCapacity = 200,
                MetricAggregationAlgorithm = "weightedExponential",
            },
            settings);
    }

    [Fact]
    public void Unset_annotations_are_null_and_old_spellings_are_honoured()
    {
        Assert.Equal(new AutoscalingSettings(), AutoscalingSettings.FromAnnotations(null));
        var settings = AutoscalingSettings.FromAnnotations(new Dictionary<string, string>
        {
            ["autoscaling.knative.dev/minScale"] = "2",
            ["autoscaling.knative.dev/maxScale"] = "4",
            ["autoscaling.knative.dev/target-burst-capacity"] = "-1",
            ["unrelated"] = "x",
        });
        Assert.Equal((2, 4, -1.0), (settings.MinScale, settings.MaxScale, settings.TargetBurstCapacity));
        Assert.Null(settings.Window);
    }
}
