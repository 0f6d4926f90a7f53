using Platform.Resources.Meta;
using Platform.Serving.Contracts.Routing;

namespace Platform.ServingController.Reconcilers.Route.Builders;

/// <summary>
/// Builds the activator's table from the Routes' resolved <c>status.traffic</c>, pure. A Route whose traffic is not
/// assigned yet, or names a revision that is gone, is left out (the activator answers 404 for it rather than
/// routing to nothing); revisions are listed once each with their ready endpoints.
/// </summary>
internal static class RouteTableBuilder
{
    /// <summary>Builds the table.</summary>
    /// <param name="routes">Every Route with its status.</param>
    /// <param name="revisions">Existing revisions by (namespace, name).</param>
    /// <param name="readiness">The ready endpoints of a revision, why it cannot start replicas if it cannot, and its activator mode.</param>
    /// <param name="domains">Custom domains (claimed, resolved DomainMappings); those naming a service that is not routed are left out.</param>
    public static RouteTable Build(IEnumerable<ServingRoute> routes, IReadOnlyDictionary<(string Ns, string Name), ServingRevision> revisions,
        Func<string, string, EndpointsUpdate> readiness, IEnumerable<DomainRoute>? domains = null)
    {
        var services = new List<ServiceRoute>();
        var routed = new SortedDictionary<(string, string), RevisionRoute>();
        foreach (var route in routes.OrderBy(r => r.Metadata.Namespace, StringComparer.Ordinal).ThenBy(r => r.Metadata.Name, StringComparer.Ordinal))
        {
            var ns = route.Metadata.Namespace ?? "default";
            var traffic = route.Status?.Traffic;
            if (traffic is not { Count: > 0 } || traffic.Sum(t => t.Percent ?? 0) != 100) continue;
            if (traffic.Any(t => string.IsNullOrEmpty(t.RevisionName) || !revisions.ContainsKey((ns, t.RevisionName)))) continue;
            // One tag names one revision: the activator refuses duplicates, so the first wins.
            var tags = new HashSet<string>(StringComparer.Ordinal);
            var targets = traffic.Select(t => new RouteTarget
            {
                RevisionName = t.RevisionName!,
                Percent = (int)(t.Percent ?? 0),
                Tag = string.IsNullOrEmpty(t.Tag) || !tags.Add(t.Tag) ? null : t.Tag,
            }).ToList();
            services.Add(new ServiceRoute
            {
                Namespace = ns,
                Name = route.Metadata.Name ?? "",
                Visibility = route.Metadata.Labels?.GetValueOrDefault(ServingMeta.VisibilityLabel) is { Length: > 0 } v ? v : null,
                Traffic = targets,
            });
            foreach (var t in traffic)
            {
                var revision = revisions[(ns, t.RevisionName!)];
                var ready = readiness(ns, t.RevisionName!);
                routed[(ns, t.RevisionName!)] = new RevisionRoute
                {
                    Namespace = ns,
                    Name = t.RevisionName!,
                    Configuration = revision.Metadata.Labels?.GetValueOrDefault(ServingMeta.ConfigurationLabel) is { Length: > 0 } c ? c : null,
                    ContainerConcurrency = (int)Math.Clamp(revision.Spec.ContainerConcurrency ?? 0, 0, 1000),
                    TimeoutSeconds = revision.Spec.TimeoutSeconds is long timeout ? (int)Math.Clamp(timeout, 1, 600) : null,
                    ResponseStartTimeoutSeconds = revision.Spec.ResponseStartTimeoutSeconds is long start and > 0 ? (int)Math.Clamp(start, 1, 600) : null,
                    // Knative's 0 means no idle limit.
                    IdleTimeoutSeconds = revision.Spec.IdleTimeoutSeconds is long idle and > 0 ? (int)Math.Clamp(idle, 1, 600) : null,
                    Endpoints = ready.Endpoints ?? [],
                    Failure = ready.Failure,
                    Mode = ready.Mode,
                };
            }
        }

        var routedServices = services.Select(s => (s.Namespace, s.Name)).ToHashSet();
        var mapped = (domains ?? []).Where(d => d.Url is not null || routedServices.Contains((d.Namespace, d.Service))).ToList();
        return new RouteTable { Services = services, Revisions = routed.Values.ToList(), Domains = mapped };
    }

    /// <summary>True when the route is Ready-able: its traffic resolved (status.traffic set and AllTrafficAssigned True).</summary>
    public static bool Assigned(ServingRoute route) =>
        route.Status?.GetCondition(ConditionTypes.AllTrafficAssigned)?.Status == ConditionStatus.True;
}
