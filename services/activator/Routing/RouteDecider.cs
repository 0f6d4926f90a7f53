using System.Net;

namespace Platform.Activator.Routing;

/// <summary>Where a request goes.</summary>
internal enum RouteOutcome
{
    /// <summary>To a revision of a service.</summary>
    Forward,

    /// <summary>To the addressable a custom domain maps (<see cref="HostRoute.Address"/>).</summary>
    ForwardToAddress,

    /// <summary>To the activator's own endpoints (health, control surface, Dapr callbacks).</summary>
    Activator,

    /// <summary>No service has this host: 404 naming the host.</summary>
    UnknownHost,

    /// <summary>A cluster-local service or address asked for by a caller outside the local networks: 403.</summary>
    LocalOnly,
}

/// <summary>The routing decision for one request.</summary>
/// <param name="Outcome">What to do.</param>
/// <param name="Route">The host's route when one matched.</param>
/// <param name="Revision">The chosen revision name (in the service's namespace) when forwarding.</param>
internal readonly record struct RouteDecision(RouteOutcome Outcome, HostRoute? Route, string? Revision);

/// <summary>
/// Pure routing: host → service, tag host or <c>Knative-Serving-Tag</c> header → tagged target, otherwise the
/// percent split with the given roll; visibility checked against the caller's address.
/// </summary>
internal sealed class RouteDecider(ActivatorHostNames ownHosts, LocalNetworks localNetworks)
{
    /// <summary>Header that selects a tag's target on the service's own host, as in Knative.</summary>
    public const string TagHeader = "Knative-Serving-Tag";

    /// <summary>Decides for a request; <paramref name="roll"/> is a uniform random number in [0, 100).</summary>
    public RouteDecision Decide(RoutingSnapshot snapshot, string host, string? tagHeader, IPAddress? remote, int roll)
    {
        var route = snapshot.Find(host);
        if (route is null)
            return new RouteDecision(ownHosts.IsActivator(host) ? RouteOutcome.Activator : RouteOutcome.UnknownHost, null, null);
        if (route.LocalOnly && !localNetworks.Contains(remote))
            return new RouteDecision(RouteOutcome.LocalOnly, route, null);
        if (route.Service is null)
            return new RouteDecision(RouteOutcome.ForwardToAddress, route, null);

        var split = route.Service.Split;
        var revision = route.Tag is { } pinned ? split.ForTag(pinned)
            : !string.IsNullOrEmpty(tagHeader) ? split.ForTag(tagHeader) : null;
        // An unknown tag in the header falls back to the percent split, as Knative's ingress does.
        return new RouteDecision(RouteOutcome.Forward, route, revision ?? split.Pick(roll));
    }
}

/// <summary>
/// Host names that address the activator itself: IP literals, an empty host, <c>localhost</c> and the configured
/// names (e.g. <c>activator</c>). On the ingress only requests with such a host reach the activator's own endpoints
/// (<c>/healthz</c>); <c>/activator/v1/...</c> answers on the control port alone.
/// </summary>
internal sealed class ActivatorHostNames(IEnumerable<string> names)
{
    private readonly HashSet<string> _names = new(names.Append("localhost"), StringComparer.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="host"/> (without port) names the activator.</summary>
    public bool IsActivator(string host) =>
        host.Length == 0 || _names.Contains(host.TrimEnd('.')) || IPAddress.TryParse(host.Trim('[', ']'), out _);
}

/// <summary>The networks whose callers count as local (loopback by default) for cluster-local services.</summary>
internal sealed class LocalNetworks
{
    private readonly IPNetwork[] _networks;

    /// <summary>Parses CIDR ranges such as <c>127.0.0.0/8</c>; throws naming the bad entry.</summary>
    public LocalNetworks(IEnumerable<string> cidrs)
    {
        _networks = cidrs.Select((c, i) => IPNetwork.TryParse(c, out var n) ? n
            : throw new ArgumentException($"Activator:LocalNetworks[{i}]: \"{c}\" is not a CIDR range such as 127.0.0.0/8")).ToArray();
    }

    /// <summary>True when <paramref name="address"/> lies in one of the networks; an unknown address is not local.</summary>
    public bool Contains(IPAddress? address)
    {
        if (address is null) return false;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        foreach (var n in _networks)
            if (n.Contains(address)) return true;
        return false;
    }
}
