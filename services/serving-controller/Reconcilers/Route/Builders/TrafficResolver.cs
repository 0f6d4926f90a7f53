using Platform.Resources.Meta;
using Platform.Resources.Serving;

namespace Platform.ServingController.Reconcilers.Route.Builders;

/// <summary>How route URLs are formed. Local mode: domain <c>localhost</c> on the activator's port 8080.</summary>
internal sealed record RouteDomainOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Serving:Routes";

    /// <summary>Domain of public URLs, <c>{name}.{ns}.{Domain}</c> (default <c>localhost</c>).</summary>
    public string Domain { get; init; } = "localhost";

    /// <summary>Port written into public URLs; 0 or 80 leaves it out (default 8080, the activator's port).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>The public URL of a host name.</summary>
    public string Url(string host) => Port is 0 or 80 ? $"http://{host}" : $"http://{host}:{Port}";
}

/// <summary>What the resolver needs to know about one revision.</summary>
/// <param name="Name">The revision.</param>
/// <param name="Ready">Its Ready condition status.</param>
internal sealed record RevisionFacts(string Name, string Ready);

/// <summary>What the resolver needs to know about one configuration.</summary>
/// <param name="Name">The configuration.</param>
/// <param name="LatestReadyRevisionName">Its latest ready revision, or null.</param>
/// <param name="Ready">Its Ready condition status.</param>
internal sealed record ConfigurationFacts(string Name, string? LatestReadyRevisionName, string Ready);

/// <summary>A traffic problem: the AllTrafficAssigned condition it gives.</summary>
/// <param name="Status"><c>False</c> (will not fix itself) or <c>Unknown</c> (waiting).</param>
/// <param name="Reason">Knative's reason, e.g. <c>RevisionMissing</c>, <c>ConfigurationMissing</c>.</param>
/// <param name="Message">What is wrong.</param>
internal sealed record TrafficProblem(string Status, string Reason, string Message);

/// <summary>The resolved traffic of a route, or the first problem.</summary>
/// <param name="Traffic">Targets with revision names, percents, tags and tag URLs; null when <paramref name="Problem"/> is set.</param>
/// <param name="Problem">Why the traffic cannot be assigned.</param>
internal sealed record ResolvedTraffic(IReadOnlyList<TrafficTarget>? Traffic, TrafficProblem? Problem);

/// <summary>
/// Resolves a Route's <c>spec.traffic</c> to revisions, pure: <c>revisionName</c> must name a Ready revision;
/// <c>configurationName</c> (latestRevision) takes the configuration's <c>latestReadyRevisionName</c>. Builds the
/// route's URL, cluster-local address and tag URLs.
/// </summary>
internal static class TrafficResolver
{
    /// <summary>Reason of a target naming a revision that does not exist or is not ready.</summary>
    public const string RevisionMissing = "RevisionMissing";

    /// <summary>Reason of a target naming a configuration that does not exist.</summary>
    public const string ConfigurationMissing = "ConfigurationMissing";

    /// <summary>Resolves every target.</summary>
    public static ResolvedTraffic Resolve(ServingRoute route, IReadOnlyDictionary<string, RevisionFacts> revisions,
        IReadOnlyDictionary<string, ConfigurationFacts> configurations, RouteDomainOptions domain)
    {
        var result = new List<TrafficTarget>();
        foreach (var target in route.Spec.Traffic ?? [])
        {
            string revisionName;
            if (!string.IsNullOrEmpty(target.RevisionName))
            {
                if (!revisions.TryGetValue(target.RevisionName, out var revision))
                    return Fail(ConditionStatus.False, RevisionMissing, $"Revision \"{target.RevisionName}\" referenced in traffic not found.");
                if (revision.Ready == ConditionStatus.False)
                    return Fail(ConditionStatus.False, RevisionMissing, $"Revision \"{target.RevisionName}\" failed to become ready.");
                if (revision.Ready != ConditionStatus.True)
                    return Fail(ConditionStatus.Unknown, RevisionMissing, $"Revision \"{target.RevisionName}\" is not ready yet.");
                revisionName = target.RevisionName;
            }
            else
            {
                var configName = target.ConfigurationName ?? "";
                if (!configurations.TryGetValue(configName, out var configuration))
                    return Fail(ConditionStatus.False, ConfigurationMissing, $"Configuration \"{configName}\" referenced in traffic not found.");
                if (string.IsNullOrEmpty(configuration.LatestReadyRevisionName))
                    return configuration.Ready == ConditionStatus.False
                        ? Fail(ConditionStatus.False, RevisionMissing, $"Configuration \"{configName}\" does not have any ready Revision.")
                        : Fail(ConditionStatus.Unknown, RevisionMissing, $"Configuration \"{configName}\" is waiting for a Revision to become ready.");
                revisionName = configuration.LatestReadyRevisionName;
            }

            result.Add(new TrafficTarget
            {
                Tag = string.IsNullOrEmpty(target.Tag) ? null : target.Tag,
                RevisionName = revisionName,
                ConfigurationName = null,
                LatestRevision = target.LatestRevision ?? string.IsNullOrEmpty(target.RevisionName),
                Percent = target.Percent ?? 0,
                Url = string.IsNullOrEmpty(target.Tag) ? null : domain.Url(TagHost(route, target.Tag, domain)),
            });
        }

        return new ResolvedTraffic(result, null);
    }

    /// <summary><c>{name}.{ns}.{domain}</c>.</summary>
    public static string Host(ServingRoute route, RouteDomainOptions domain) => $"{route.Metadata.Name}.{route.Metadata.Namespace}.{domain.Domain}";

    /// <summary><c>{tag}-{name}.{ns}.{domain}</c>.</summary>
    public static string TagHost(ServingRoute route, string tag, RouteDomainOptions domain) => $"{tag}-{route.Metadata.Name}.{route.Metadata.Namespace}.{domain.Domain}";

    /// <summary>The public URL <c>http://{name}.{ns}.{domain}[:port]</c>.</summary>
    public static string Url(ServingRoute route, RouteDomainOptions domain) => domain.Url(Host(route, domain));

    /// <summary>The cluster-local address <c>http://{name}.{ns}.svc.cluster.local</c>.</summary>
    public static string Address(ServingRoute route) => $"http://{route.Metadata.Name}.{route.Metadata.Namespace}.svc.cluster.local";

    private static ResolvedTraffic Fail(string status, string reason, string message) => new(null, new TrafficProblem(status, reason, message));
}
