namespace Platform.Serving.Contracts.Routing;

/// <summary>
/// A complete snapshot of what the activator routes: every Knative Service (by <c>{namespace}/{name}</c>) with its
/// traffic targets, and every revision those targets name with its concurrency, timeout and ready replicas.
/// The serving-controller sends the whole table with <c>PUT /activator/v1/routes</c> whenever a Route or a Revision
/// changes; replica readiness alone changes through <c>PUT /activator/v1/revisions/{ns}/{rev}/endpoints</c>.
/// </summary>
/// <remarks>
/// JSON (camelCase):
/// <code>
/// {
///   "services": [
///     { "namespace": "default", "name": "hello", "visibility": null,
///       "traffic": [ { "revisionName": "hello-00001", "percent": 50 },
///                    { "revisionName": "hello-00002", "percent": 50, "tag": "candidate" } ] }
///   ],
///   "revisions": [
///     { "namespace": "default", "name": "hello-00001", "containerConcurrency": 0, "timeoutSeconds": 300,
///       "endpoints": [ "127.0.0.1:41234" ] }
///   ]
/// }
/// </code>
/// </remarks>
public sealed record RouteTable
{
    /// <summary>The routed services; a host names at most one of them.</summary>
    public IReadOnlyList<ServiceRoute>? Services { get; init; }

    /// <summary>Every revision that a traffic target names (others are accepted and kept, but not routed to).</summary>
    public IReadOnlyList<RevisionRoute>? Revisions { get; init; }

    /// <summary>The empty table the activator starts with: every service host answers 404.</summary>
    public static RouteTable Empty { get; } = new() { Services = [], Revisions = [] };
}

/// <summary>One Knative Service as routed: its traffic (Route <c>status.traffic</c>) and visibility.</summary>
public sealed record ServiceRoute
{
    /// <summary>Namespace of the service (a DNS label), e.g. <c>default</c>.</summary>
    public string? Namespace { get; init; }

    /// <summary>Name of the service (a DNS label), e.g. <c>hello</c>.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// The value of the <c>networking.knative.dev/visibility</c> label: <c>cluster-local</c> makes the service
    /// reachable only from local networks; null or empty means public.
    /// </summary>
    public string? Visibility { get; init; }

    /// <summary>Traffic targets; percents sum to 100; targets with a tag also get their own host.</summary>
    public IReadOnlyList<RouteTarget>? Traffic { get; init; }
}

/// <summary>One resolved traffic target (a Route's <c>status.traffic[]</c> entry).</summary>
public sealed record RouteTarget
{
    /// <summary>The revision that receives this share, in the service's namespace.</summary>
    public string? RevisionName { get; init; }

    /// <summary>Share of untagged traffic, 0..100; 0 for targets only reachable through their tag.</summary>
    public int Percent { get; init; }

    /// <summary>Optional tag: reachable at <c>{tag}-{service}.{namespace}.{domain}</c> and with <c>Knative-Serving-Tag</c>.</summary>
    public string? Tag { get; init; }
}

/// <summary>What the activator needs to know about one revision.</summary>
public sealed record RevisionRoute
{
    /// <summary>Namespace of the revision.</summary>
    public string? Namespace { get; init; }

    /// <summary>Revision name, e.g. <c>hello-00001</c>.</summary>
    public string? Name { get; init; }

    /// <summary>Knative <c>containerConcurrency</c>: most requests in flight per replica, 0 = unlimited (0..1000).</summary>
    public int ContainerConcurrency { get; init; }

    /// <summary>Knative <c>timeoutSeconds</c> (1..600); null means the activator's default (300).</summary>
    public int? TimeoutSeconds { get; init; }

    /// <summary>Ready replicas as <c>host:port</c> (e.g. <c>127.0.0.1:41234</c>); empty while scaled to zero.</summary>
    public IReadOnlyList<string>? Endpoints { get; init; }
}

/// <summary>Body of <c>PUT /activator/v1/revisions/{namespace}/{revision}/endpoints</c>.</summary>
public sealed record EndpointsUpdate
{
    /// <summary>All ready replicas of the revision as <c>host:port</c>; an empty list means none is ready.</summary>
    public IReadOnlyList<string>? Endpoints { get; init; }
}
