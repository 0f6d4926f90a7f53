using Platform.Resources.Duck;
using Platform.Resources.Meta;
using Platform.Resources.Serving;

namespace Platform.ServingController.Reconcilers.Service.Builders;

/// <summary>
/// The Service's status from its children, as Knative's service reconciler propagates it: ConfigurationsReady from
/// the Configuration's Ready, RoutesReady from the Route's Ready (and only once the Route sends the
/// <c>latestRevision</c> traffic to the Configuration's latest ready revision), Ready = both.
/// </summary>
internal static class ServiceStatusBuilder
{
    /// <summary>Reason while a child has not observed its latest generation.</summary>
    public const string OutOfDate = "OutOfDate";

    /// <summary>Reason while the Route still sends latest traffic to an older revision.</summary>
    public const string TrafficNotMigrated = "TrafficNotMigrated";

    /// <summary>Reason when a child of the same name exists but another object controls it.</summary>
    public const string NotOwned = "NotOwned";

    /// <summary>
    /// Computes the status. <paramref name="previous"/> carries transition times; a null child (not created yet, or
    /// not owned as told by <paramref name="childError"/>) gives Unknown/False.
    /// </summary>
    public static ServiceStatus Build(ServingService service, ServingConfiguration? configuration, ServingRoute? route, ServiceStatus? previous, DateTimeOffset now, string? childError = null)
    {
        var status = new ServiceStatus
        {
            ObservedGeneration = service.Metadata.Generation,
            Conditions = previous?.Conditions?.Select(c => c).ToList(),
        };
        if (childError is not null)
        {
            status.SetCondition(ConditionTypes.ConfigurationsReady, ConditionStatus.False, now, NotOwned, childError);
            status.SetCondition(ConditionTypes.RoutesReady, ConditionStatus.False, now, NotOwned, childError);
            status.SetCondition(ConditionTypes.Ready, ConditionStatus.False, now, NotOwned, childError);
            return status;
        }

        // Configuration → ConfigurationsReady.
        if (configuration is null)
            status.SetCondition(ConditionTypes.ConfigurationsReady, ConditionStatus.Unknown, now, OutOfDate, "Configuration is being created.");
        else
        {
            status.LatestCreatedRevisionName = configuration.Status?.LatestCreatedRevisionName;
            status.LatestReadyRevisionName = configuration.Status?.LatestReadyRevisionName;
            if (configuration.Status?.ObservedGeneration != configuration.Metadata.Generation)
                status.SetCondition(ConditionTypes.ConfigurationsReady, ConditionStatus.Unknown, now, OutOfDate,
                    $"The Configuration is still working to reflect the latest desired specification.");
            else
                Propagate(status, ConditionTypes.ConfigurationsReady, configuration.Status?.GetCondition(ConditionTypes.Ready), now);
        }

        // Route → RoutesReady, URL, address, traffic.
        if (route is null)
            status.SetCondition(ConditionTypes.RoutesReady, ConditionStatus.Unknown, now, OutOfDate, "Route is being created.");
        else
        {
            status.Url = route.Status?.Url;
            status.Address = route.Status?.Address is { } address ? new Addressable { Url = address.Url } : null;
            status.Traffic = route.Status?.Traffic?.Select(t => new TrafficTarget
            {
                Tag = t.Tag,
                RevisionName = t.RevisionName,
                ConfigurationName = null,
                LatestRevision = t.LatestRevision,
                Percent = t.Percent,
                Url = t.Url,
            }).ToList();
            if (route.Status?.ObservedGeneration != route.Metadata.Generation)
                status.SetCondition(ConditionTypes.RoutesReady, ConditionStatus.Unknown, now, OutOfDate,
                    "The Route is still working to reflect the latest desired specification.");
            else if (TrafficLagsBehind(route, configuration))
                status.SetCondition(ConditionTypes.RoutesReady, ConditionStatus.Unknown, now, TrafficNotMigrated,
                    "Traffic is not yet migrated to the latest revision.");
            else
                Propagate(status, ConditionTypes.RoutesReady, route.Status?.GetCondition(ConditionTypes.Ready), now);
        }

        var c = status.GetCondition(ConditionTypes.ConfigurationsReady)!;
        var r = status.GetCondition(ConditionTypes.RoutesReady)!;
        // Ready: False wins over Unknown, Unknown over True; the reason is the first child's that is not True.
        var worst = c.Status == ConditionStatus.False ? c : r.Status == ConditionStatus.False ? r : c.Status != ConditionStatus.True ? c : r;
        status.SetCondition(ConditionTypes.Ready, worst.Status!, now, worst.Status == ConditionStatus.True ? null : worst.Reason, worst.Status == ConditionStatus.True ? null : worst.Message);
        return status;
    }

    // The Route must send every latestRevision target to the Configuration's latest ready revision before the
    // Service says its routes are ready, or `service update` would report success while traffic still goes to the old one.
    private static bool TrafficLagsBehind(ServingRoute route, ServingConfiguration? configuration)
    {
        var latestReady = configuration?.Status?.LatestReadyRevisionName;
        if (string.IsNullOrEmpty(latestReady)) return false;
        return route.Status?.Traffic?.Any(t => t.LatestRevision == true && t.RevisionName != latestReady) ?? false;
    }

    private static void Propagate(ServiceStatus status, string type, Condition? child, DateTimeOffset now)
    {
        if (child is null)
            status.SetCondition(type, ConditionStatus.Unknown, now, OutOfDate, "Waiting for the child to report readiness.");
        else
            status.SetCondition(type, child.Status ?? ConditionStatus.Unknown, now, child.Reason, child.Message);
    }
}
