using Platform.Resources.Meta;
using Platform.Resources.Serialization;
using Platform.Resources.Serving;

namespace Platform.ServingController.Reconcilers.Service.Builders;

/// <summary>Pure builders of the Configuration and the Route a Service owns (same name, same namespace).</summary>
internal static class ServiceChildren
{
    /// <summary>The Configuration of <paramref name="service"/>: its template, labelled and owned.</summary>
    public static ServingConfiguration MakeConfiguration(ServingService service)
    {
        var configuration = new ServingConfiguration
        {
            Spec = new ConfigurationSpec { Template = ResourceSerializer.Default.Clone(service).Spec.Template },
        };
        Stamp(configuration.Metadata, service);
        return configuration;
    }

    /// <summary>
    /// The Route of <paramref name="service"/>: its traffic, where every <c>latestRevision</c> entry follows the
    /// Service's own Configuration (the Service's spec names no configuration).
    /// </summary>
    public static ServingRoute MakeRoute(ServingService service)
    {
        var traffic = (service.Spec.Traffic ?? []).Select(t => new TrafficTarget
        {
            Tag = t.Tag,
            RevisionName = t.RevisionName,
            ConfigurationName = t.LatestRevision == true || string.IsNullOrEmpty(t.RevisionName) ? service.Metadata.Name : null,
            LatestRevision = t.LatestRevision ?? string.IsNullOrEmpty(t.RevisionName),
            Percent = t.Percent,
        }).ToList();
        var route = new ServingRoute { Spec = new RouteSpec { Traffic = traffic } };
        Stamp(route.Metadata, service);
        if (service.Metadata.Labels?.GetValueOrDefault(ServingMeta.VisibilityLabel) is { Length: > 0 } visibility)
            route.Metadata.Labels![ServingMeta.VisibilityLabel] = visibility;
        return route;
    }

    /// <summary>
    /// Whether the stored child must be rewritten to match <paramref name="desired"/>: its spec, or a label or
    /// annotation the Service sets, differs. Extra labels others added are left alone.
    /// </summary>
    public static bool NeedsUpdate(Resource existing, Resource desired, object existingSpec, object desiredSpec)
    {
        if (!ServingObjects.SameJson(existingSpec, desiredSpec)) return true;
        foreach (var (k, v) in desired.Metadata.Labels ?? [])
            if (existing.Metadata.Labels?.GetValueOrDefault(k) != v) return true;
        foreach (var (k, v) in desired.Metadata.Annotations ?? [])
            if (existing.Metadata.Annotations?.GetValueOrDefault(k) != v) return true;
        return false;
    }

    private static void Stamp(ObjectMeta meta, ServingService service)
    {
        meta.Name = service.Metadata.Name;
        meta.Namespace = service.Metadata.Namespace;
        meta.Labels = new Dictionary<string, string>(service.Metadata.Labels ?? [], StringComparer.Ordinal)
        {
            [ServingMeta.ServiceLabel] = service.Metadata.Name ?? "",
        };
        meta.Labels.Remove(ServingMeta.VisibilityLabel);
        var annotations = new Dictionary<string, string>(service.Metadata.Annotations ?? [], StringComparer.Ordinal);
        annotations.Remove(ServingMeta.LastAppliedAnnotation);
        meta.Annotations = annotations.Count == 0 ? null : annotations;
        meta.OwnerReferences = [ServingObjects.ControllerRef(service)];
    }
}
