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
///       "endpoints": [ "127.0.0.1:41234" ], "mode": "Proxy" }
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

    /// <summary>Custom domains (Knative DomainMappings) and what each leads to; null or empty when there are none.</summary>
    public IReadOnlyList<DomainRoute>? Domains { get; init; }

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

/// <summary>
/// One custom domain (a ready DomainMapping): requests whose Host is <see cref="Host"/> go to the Knative Service
/// <see cref="Service"/> in <see cref="Namespace"/> (through its traffic split, whatever its visibility: a mapped
/// domain is public), or to the addressable at <see cref="Url"/>. Exactly one of the two is set.
/// </summary>
public sealed record DomainRoute
{
    /// <summary>The mapped host name, e.g. <c>hello.example.com</c> (the DomainMapping's name).</summary>
    public string? Host { get; init; }

    /// <summary>The DomainMapping's namespace.</summary>
    public string? Namespace { get; init; }

    /// <summary>A service of <see cref="RouteTable.Services"/> in the same namespace.</summary>
    public string? Service { get; init; }

    /// <summary>An absolute http(s) URL of another addressable (a Broker, a Channel, ...): its path is prepended.</summary>
    public string? Url { get; init; }
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

    /// <summary>
    /// The Configuration that stamped the revision (its <c>serving.knative.dev/configuration</c> label), for the
    /// <c>configuration_name</c> label of the activator's metrics; null when unknown.
    /// </summary>
    public string? Configuration { get; init; }

    /// <summary>Knative <c>containerConcurrency</c>: most requests in flight per replica, 0 = unlimited (0..1000).</summary>
    public int ContainerConcurrency { get; init; }

    /// <summary>Knative <c>timeoutSeconds</c> (1..600); null means the activator's default (300).</summary>
    public int? TimeoutSeconds { get; init; }

    /// <summary>
    /// Knative <c>responseStartTimeoutSeconds</c> (1..600): how long a forwarded request may wait for the replica's
    /// first response byte; null means the same as <see cref="TimeoutSeconds"/>.
    /// </summary>
    public int? ResponseStartTimeoutSeconds { get; init; }

    /// <summary>
    /// Knative <c>idleTimeoutSeconds</c> (1..600): how long a request may stay open without a byte from the replica;
    /// null (Knative's 0) means no idle limit.
    /// </summary>
    public int? IdleTimeoutSeconds { get; init; }

    /// <summary>Ready replicas as <c>host:port</c> (e.g. <c>127.0.0.1:41234</c>); empty while scaled to zero.</summary>
    public IReadOnlyList<string>? Endpoints { get; init; }

    /// <summary>
    /// Why the revision cannot start replicas (e.g. <c>ExitCode3: the process exited with code 3 before becoming
    /// ready</c>); null while it can. While it is set and no replica is ready, requests held for the revision end at
    /// once with 503 <c>revision-failed</c> naming it, instead of waiting for the revision's timeout. At most
    /// 2,048 characters.
    /// </summary>
    public string? Failure { get; init; }

    /// <summary>
    /// <see cref="ActivatorModes.Serve"/> when the revision has spare capacity beyond its target burst capacity and
    /// requests may skip the activator's throttler; <see cref="ActivatorModes.Proxy"/> or null otherwise.
    /// </summary>
    public string? Mode { get; init; }
}

/// <summary>Body of <c>PUT /activator/v1/revisions/{namespace}/{revision}/endpoints</c>.</summary>
public sealed record EndpointsUpdate
{
    /// <summary>All ready replicas of the revision as <c>host:port</c>; an empty list means none is ready.</summary>
    public IReadOnlyList<string>? Endpoints { get; init; }

    /// <summary>
    /// Why the revision cannot start replicas (as <see cref="RevisionRoute.Failure"/>); null while it can. While it is set and no replica is ready, requests held for the revision end at
    /// once with 503 <c>revision-failed</c> naming it, instead of waiting for the revision's timeout. At most
    /// 2,048 characters.
    /// </summary>
    public string? Failure { get; init; }

    /// <summary>The revision's mode, as <see cref="RevisionRoute.Mode"/>; null means <see cref="ActivatorModes.Proxy"/>.</summary>
    public string? Mode { get; init; }
}
