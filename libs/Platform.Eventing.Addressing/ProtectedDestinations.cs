using System.Net;

namespace Platform.Eventing.Addressing;

/// <summary>
/// The platform's own control ports, to which no event is ever delivered: a Trigger, Subscription or source whose
/// subscriber (or reply, dead-letter sink or sink) is the control-plane API, a sidecar or the activator's control port
/// would make the sender a confused deputy (one POSTed event creating a Service, invoking an app through a sidecar,
/// rewriting routes). Matched on port, for the named host or any address that reaches this machine (loopback,
/// <c>localhost</c> and <c>*.localhost</c>, the unspecified address). Pure.
/// </summary>
public sealed class ProtectedDestinations
{
    private readonly IReadOnlyList<(string What, string Host, int Port)> _protected;
    private readonly string _allowSetting;

    /// <summary>Nothing protected (the sender's <c>AllowPlatformDestinations=true</c>, and tests).</summary>
    public static ProtectedDestinations None { get; } = new([], "");

    /// <summary>
    /// The other control ports of dapr.yaml on this machine, protected by default besides the control-plane API and the
    /// sender's own sidecar: the activator's control port 8014, the autoscaler's 5200 and 9090, the sidecars' 3500-3504
    /// and 50001-50005.
    /// </summary>
    public static IReadOnlyList<string> DefaultControlPorts { get; } =
    [
        "http://127.0.0.1:8014", "http://127.0.0.1:5200", "http://127.0.0.1:9090",
        .. Enumerable.Range(3500, 5).Select(p => $"http://127.0.0.1:{p}"),
        .. Enumerable.Range(50001, 5).Select(p => $"http://127.0.0.1:{p}"),
    ];

    /// <summary>
    /// Protects each address; <c>What</c> names it in the refusal, which tells to set <paramref name="allowSetting"/>
    /// (e.g. <c>Broker:AllowPlatformDestinations</c>) to <c>true</c> to allow it.
    /// </summary>
    public ProtectedDestinations(IEnumerable<(string What, Uri Address)> addresses, string allowSetting)
    {
        _protected = addresses.Select(a => (a.What, a.Address.IdnHost.ToLowerInvariant(), a.Address.Port)).ToList();
        _allowSetting = allowSetting;
    }

    /// <summary>Why no event may be sent to <paramref name="destination"/>, or null when it may.</summary>
    public string? Refusal(Uri destination)
    {
        var host = destination.IdnHost.ToLowerInvariant();
        foreach (var (what, protectedHost, port) in _protected)
        {
            if (destination.Port != port) continue;
            if (host == protectedHost || (ReachesThisMachine(host) && ReachesThisMachine(protectedHost)))
                return $"{destination.GetLeftPart(UriPartial.Authority)} is {what}: events are not delivered to the platform's own control ports " +
                    $"(set {_allowSetting}=true to allow it)";
        }
        return null;
    }

    /// <summary>True for loopback and unspecified addresses, <c>localhost</c> and its subdomains.</summary>
    public static bool ReachesThisMachine(string host)
    {
        host = host.Trim('[', ']');
        if (host == "localhost" || host.EndsWith(".localhost", StringComparison.Ordinal)) return true;
        if (!IPAddress.TryParse(host, out var ip)) return false;
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        return IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any);
    }
}
