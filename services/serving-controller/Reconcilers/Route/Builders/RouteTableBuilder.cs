using Platform.Resources.Meta;
using Platform.Resources.Serving;

namespace Platform.ServingController.Reconcilers.Route.Builders;

/// <summary>The activator's route table (<c>PUT /activator/v1/routes</c>), as its README specifies it.</summary>
/// <param name="Services">One entry per routed Route.</param>
/// <param name="Revisions">Every revision a service sends traffic to.</param>
public sealed record ActivatorRouteTable(IReadOnlyList<ActivatorService> Services, IReadOnlyList<ActivatorRevision> Revisions);

/// <summary>A routed service: host <c>{name}.{namespace}.{domain}</c>.</summary>
/// <param name="Namespace">Namespace.</param>
/// <param name="Name">Route (and Service) name.</param>
/// <param name="Visibility"><c>cluster-local</c>, or null for public.</param>
/// <param name="Traffic">Resolved targets.</param>
public sealed record ActivatorService(string Namespace, string Name, string? Visibility, IReadOnlyList<ActivatorTarget> Traffic);

/// <summary>One traffic target.</summary>
/// <param name="RevisionName">Revision.</param>
/// <param name="Percent">0..100.</param>
/// <param name="Tag">Tag, or null.</param>
public sealed record ActivatorTarget(string RevisionName, int Percent, string? Tag);

/// <summary>A routed revision and its ready endpoints.</summary>
/// <param name="Namespace">Namespace.</param>
/// <param name="Name">Revision.</param>
/// <param name="ContainerConcurrency">Per-replica limit, 0 = unlimited.</param>
/// <param name="TimeoutSeconds">Request timeout.</param>
/// <param name="Endpoints"><c>host:port</c> of ready replicas.</param>
public sealed record ActivatorRevision(string Namespace, string Name, int ContainerConcurrency, int? TimeoutSeconds, IReadOnlyList<string> Endpoints);

/// <summary>
/// Builds the activator's table from the Routes' resolved <c>status.traffic</c>, pure. A Route whose traffic is not
/// assigned yet, or names a revision that is gone, is left out (the activator answers 404 for it rather than
/// routing to nothing); revisions are listed once each with their ready endpoints.
/// </summary>
public static class RouteTableBuilder
{
    /// <summary>Builds the table.</summary>
    /// <param name="routes">Every Route with its status.</param>
    /// <param name="revisions">Existing revisions by (namespace, name).</param>
    /// <param name="endpoints">The ready endpoints of a revision.</param>
    public static ActivatorRouteTable Build(IEnumerable<ServingRoute> routes, IReadOnlyDictionary<(string Ns, string Name), ServingRevision> revisions,
        Func<string, string, IReadOnlyList<string>> endpoints)
    {
        var services = new List<ActivatorService>();
        var routed = new SortedDictionary<(string, string), ActivatorRevision>();
        foreach (var route in routes.OrderBy(r => r.Metadata.Namespace, StringComparer.Ordinal).ThenBy(r => r.Metadata.Name, StringComparer.Ordinal))
        {
            var ns = route.Metadata.Namespace ?? "default";
            var traffic = route.Status?.Traffic;
            if (traffic is not { Count: > 0 } || traffic.Sum(t => t.Percent ?? 0) != 100) continue;
            if (traffic.Any(t => string.IsNullOrEmpty(t.RevisionName) || !revisions.ContainsKey((ns, t.RevisionName)))) continue;
            // One tag names one revision: the activator refuses duplicates, so the first wins.
            var tags = new HashSet<string>(StringComparer.Ordinal);
            var targets = traffic.Select(t => new ActivatorTarget(t.RevisionName!, (int)(t.Percent ?? 0),
                string.IsNullOrEmpty(t.Tag) || !tags.Add(t.Tag) ? null : t.Tag)).ToList();
            services.Add(new ActivatorService(ns, route.Metadata.Name ?? "",
                route.Metadata.Labels?.GetValueOrDefault(ServingMeta.VisibilityLabel) is { Length: > 0 } v ? v : null, targets));
            foreach (var t in traffic)
            {
                var revision = revisions[(ns, t.RevisionName!)];
                routed[(ns, t.RevisionName!)] = new ActivatorRevision(ns, t.RevisionName!,
                    (int)Math.Clamp(revision.Spec.ContainerConcurrency ?? 0, 0, 1000),
                    revision.Spec.TimeoutSeconds is long timeout ? (int)Math.Clamp(timeout, 1, 600) : null,
                    endpoints(ns, t.RevisionName!));
            }
        }

        return new ActivatorRouteTable(services, routed.Values.ToList());
    }

    /// <summary>True when the route is Ready-able: its traffic resolved (status.traffic set and AllTrafficAssigned True).</summary>
    public static bool Assigned(ServingRoute route) =>
        route.Status?.GetCondition(ConditionTypes.AllTrafficAssigned)?.Status == ConditionStatus.True;
}
