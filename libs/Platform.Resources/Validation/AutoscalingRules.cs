using Platform.Resources.Autoscaling;

namespace Platform.Resources.Validation;

/// <summary>Rules on the PodAutoscaler: its name, its spec's values and its copied autoscaling annotations.</summary>
internal static class AutoscalingRules
{
    public static void PodAutoscaler(PodAutoscaler pa, ErrorList errors)
    {
        MetadataRules.Validate(pa.Metadata, NameCheck.Dns1123Subdomain, errors);
        AutoscalingAnnotations.Parse(pa.Metadata.Annotations, "metadata.annotations", allowZeroInitialScale: true, errors);
        var spec = pa.Spec;
        if (spec.ContainerConcurrency is < 0 or > 1000) errors.Add("spec.containerConcurrency", "must be between 0 and 1000");
        if (spec.Reachability is { Length: > 0 } r && r is not (PodAutoscalerValues.Reachable or PodAutoscalerValues.Unreachable))
            errors.Add("spec.reachability", $"must be {PodAutoscalerValues.Reachable}, {PodAutoscalerValues.Unreachable} or empty, not \"{r}\"");
        if (spec.ProtocolType is { Length: > 0 } p && p is not ("http1" or "h2c"))
            errors.Add("spec.protocolType", $"must be http1 or h2c, not \"{p}\"");
        if (pa.Status is { } status)
        {
            if (status.DesiredScale is < 0) errors.Add("status.desiredScale", "must be >= 0");
            if (status.ActualScale is < 0) errors.Add("status.actualScale", "must be >= 0");
        }
    }
}
