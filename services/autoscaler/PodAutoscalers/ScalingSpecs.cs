using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Autoscaler.Scaling;
using Platform.Resources.Autoscaling;
using Platform.Resources.Serialization;

namespace Platform.Autoscaler.PodAutoscalers;

/// <summary>
/// What the decider needs from a PodAutoscaler, pure: its container concurrency, whether a route can reach the
/// revision, its <c>autoscaling.knative.dev/*</c> annotations (parsed by the resource model; the API refused invalid
/// ones before they were stored) and the ready replicas it last recorded.
/// </summary>
internal static class ScalingSpecs
{
    /// <summary>The spec of <paramref name="podAutoscaler"/>; a field the model cannot read counts as unset.</summary>
    public static RevisionScalingSpec From(JsonObject podAutoscaler)
    {
        PodAutoscaler? pa;
        try
        {
            pa = podAutoscaler.Deserialize<PodAutoscaler>(ResourceSerializer.Default.JsonOptions);
        }
        catch (JsonException)
        {
            pa = null;
        }
        return new RevisionScalingSpec
        {
            ContainerConcurrency = (int)Math.Clamp(pa?.Spec.ContainerConcurrency ?? 0, 0, 1000),
            Reachable = pa?.Spec.Reachability != PodAutoscalerValues.Unreachable,
            ReadyPods = PodAutoscalerBoard.ActualScale(podAutoscaler),
            Annotations = AutoscalingSettings.FromAnnotations(pa?.Metadata.Annotations),
        };
    }
}
