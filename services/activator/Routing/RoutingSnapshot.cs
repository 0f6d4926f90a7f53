using Platform.Serving.Contracts.Routing;
namespace Platform.Activator.Routing;

/// <summary>A service as routed: its split and whether only local callers may reach it.</summary>
/// <param name="Namespace">Service namespace.</param>
/// <param name="Name">Service name.</param>
/// <param name="ClusterLocal">True for <c>networking.knative.dev/visibility: cluster-local</c>.</param>
/// <param name="Split">Percent split and tags.</param>
internal sealed record RoutedService(string Namespace, string Name, bool ClusterLocal, TrafficSplit Split)
{
    /// <summary><c>{namespace}/{name}</c>, the form log lines and errors use.</summary>
    public string Key { get; } = $"{Namespace}/{Name}";
}

/// <summary>What one host name leads to: a service (by its split, or the revision a tag pins), or an address.</summary>
/// <param name="Service">The service; null for a custom domain mapped to another addressable.</param>
/// <param name="Tag">The tag a tag host pins, or null for the service's own host.</param>
/// <param name="LocalOnly">True when only callers on local networks may use this host.</param>
/// <param name="Address">The addressable a custom domain leads to when it is not a Knative Service.</param>
internal sealed record HostRoute(RoutedService? Service, string? Tag, bool LocalOnly, Uri? Address = null);

/// <summary>
/// An immutable, pre-computed view of a <see cref="RouteTable"/>: one dictionary look-up per request maps a host to
/// its service (no parsing of ambiguous <c>{tag}-{service}</c> names on the hot path).
/// </summary>
internal sealed class RoutingSnapshot
{
    /// <summary>The suffix of cluster-internal addresses, as Knative's <c>status.address</c>.</summary>
    public const string ClusterLocalSuffix = "svc.cluster.local";

    private readonly Dictionary<string, HostRoute> _hosts;

    private RoutingSnapshot(RouteTable table, Dictionary<string, HostRoute> hosts, long version)
    {
        Table = table;
        _hosts = hosts;
        Version = version;
    }

    /// <summary>The table this view was built from.</summary>
    public RouteTable Table { get; }

    /// <summary>Increases with every applied table or endpoints update.</summary>
    public long Version { get; }

    /// <summary>Every host name served, for diagnostics.</summary>
    public IEnumerable<string> Hosts => _hosts.Keys;

    /// <summary>
    /// Builds the host index: <c>{service}.{ns}.{domain}</c>, <c>{tag}-{service}.{ns}.{domain}</c>, and the
    /// cluster-local forms <c>{service}.{ns}.svc.cluster.local</c>, <c>{service}.{ns}.svc</c> and their tag
    /// variants. Service hosts win over a tag host that happens to spell the same name.
    /// </summary>
    public static RoutingSnapshot Build(RouteTable table, string domain, long version)
    {
        var hosts = new Dictionary<string, HostRoute>(StringComparer.OrdinalIgnoreCase);
        var services = new List<RoutedService>();
        foreach (var s in table.Services ?? [])
            services.Add(new RoutedService(s.Namespace!, s.Name!, s.Visibility == ServiceVisibility.ClusterLocalLabel,
                TrafficSplit.From(s.Traffic ?? [])));

        foreach (var s in services)
        {
            hosts[$"{s.Name}.{s.Namespace}.{domain}"] = new HostRoute(s, null, s.ClusterLocal);
            hosts[$"{s.Name}.{s.Namespace}.{ClusterLocalSuffix}"] = new HostRoute(s, null, true);
            hosts[$"{s.Name}.{s.Namespace}.svc"] = new HostRoute(s, null, true);
        }
        foreach (var s in services)
            foreach (var tag in s.Split.Tags.Keys)
            {
                hosts.TryAdd($"{tag}-{s.Name}.{s.Namespace}.{domain}", new HostRoute(s, tag, s.ClusterLocal));
                hosts.TryAdd($"{tag}-{s.Name}.{s.Namespace}.{ClusterLocalSuffix}", new HostRoute(s, tag, true));
            }
        // Custom domains (DomainMappings) are public whatever the service's visibility, as in Knative: mapping a
        // domain to a cluster-local service is how one exposes it under that domain only.
        var byKey = services.ToDictionary(s => s.Key);
        foreach (var d in table.Domains ?? [])
        {
            if (d.Service is { Length: > 0 } service && byKey.TryGetValue($"{d.Namespace}/{service}", out var target))
                hosts.TryAdd(d.Host!, new HostRoute(target, null, false));
            else if (d.Url is { Length: > 0 } url)
                hosts.TryAdd(d.Host!, new HostRoute(null, null, false, new Uri(url)));
        }
        return new RoutingSnapshot(table, hosts, version);
    }

    /// <summary>The route for a host (port already removed; a trailing dot is ignored).</summary>
    public HostRoute? Find(string host)
    {
        if (host.Length > 0 && host[^1] == '.') host = host[..^1];
        return _hosts.GetValueOrDefault(host);
    }
}
