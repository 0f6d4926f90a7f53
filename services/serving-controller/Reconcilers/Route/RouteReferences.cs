namespace Platform.ServingController.Reconcilers.Route;

/// <summary>
/// Which Routes a revision's change can concern: those whose traffic (spec or resolved status) names the revision or
/// its configuration. Only these are reconciled when a revision changes; the periodic resync still visits every Route.
/// </summary>
internal static class RouteReferences
{
    /// <summary>True when <paramref name="route"/>'s traffic names <paramref name="revision"/> or <paramref name="configuration"/>.</summary>
    public static bool Names(ServingRoute route, string revision, string? configuration) =>
        Names(route.Spec?.Traffic, revision, configuration) || Names(route.Status?.Traffic, revision, configuration);

    private static bool Names(List<Platform.Resources.Serving.TrafficTarget>? traffic, string revision, string? configuration) =>
        traffic is not null && traffic.Any(t => t.RevisionName == revision
            || (configuration is { Length: > 0 } && t.ConfigurationName == configuration));
}
