using System.Globalization;
using System.Text.Json.Nodes;
using Platform.Resources.Autoscaling;

namespace Platform.ServingController.Reconcilers.Revision.Builders;

/// <summary>
/// The body of the autoscaler's <c>PUT /revisions/{ns}/{name}</c> (its <c>RevisionScalingSpec</c>), pure: container
/// concurrency, whether a route can reach the revision, and the parsed <c>autoscaling.knative.dev/*</c> annotations
/// (unset ones are left out so that the autoscaler's platform defaults apply).
/// </summary>
public static class ScalingRegistration
{
    /// <summary>Builds the body.</summary>
    public static JsonObject Build(Platform.Resources.Serving.Revision revision, bool reachable)
    {
        var s = AutoscalingSettings.FromAnnotations(revision.Metadata.Annotations);
        var annotations = new JsonObject();
        void Put(string key, JsonNode? value) { if (value is not null) annotations[key] = value; }
        Put("metric", s.Metric is "rps" or "concurrency" ? JsonValue.Create(s.Metric) : null);
        Put("target", s.Target is { } t ? JsonValue.Create(t) : null);
        Put("targetUtilizationPercentage", s.TargetUtilizationPercentage is { } tu ? JsonValue.Create(tu) : null);
        Put("minScale", s.MinScale is { } min ? JsonValue.Create(min) : null);
        Put("maxScale", s.MaxScale is { } max ? JsonValue.Create(max) : null);
        Put("initialScale", s.InitialScale is { } init ? JsonValue.Create(init) : null);
        Put("activationScale", s.ActivationScale is { } act ? JsonValue.Create(act) : null);
        Put("scaleDownDelay", Span(s.ScaleDownDelay));
        Put("scaleToZeroPodRetentionPeriod", Span(s.ScaleToZeroPodRetentionPeriod));
        Put("window", Span(s.Window));
        Put("panicWindowPercentage", s.PanicWindowPercentage is { } pw ? JsonValue.Create(pw) : null);
        Put("panicThresholdPercentage", s.PanicThresholdPercentage is { } pt ? JsonValue.Create(pt) : null);
        Put("targetBurstCapacity", s.TargetBurstCapacity is { } tbc ? JsonValue.Create(tbc) : null);
        return new JsonObject
        {
            ["containerConcurrency"] = (int)Math.Clamp(revision.Spec.ContainerConcurrency ?? 0, 0, 1000),
            ["reachable"] = reachable,
            ["annotations"] = annotations,
        };
    }

    // System.Text.Json reads TimeSpan in its constant ("c") format.
    private static JsonValue? Span(TimeSpan? value) => value is { } v ? JsonValue.Create(v.ToString("c", CultureInfo.InvariantCulture)) : null;
}
