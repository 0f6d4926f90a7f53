using Platform.Resources.Duck;

namespace Platform.Eventing.Addressing;

/// <summary>A resolved destination: the URI, or why it could not be resolved.</summary>
/// <param name="Uri">The address.</param>
/// <param name="Error">Why not, e.g. <c>Broker default/missing not found</c>.</param>
public readonly record struct Resolution(Uri? Uri, string? Error)
{
    /// <summary>A resolved address.</summary>
    public static Resolution Ok(Uri uri) => new(uri, null);
    /// <summary>A failure with its reason.</summary>
    public static Resolution Fail(string error) => new(null, error);
}

/// <summary>
/// Addresses of the addressable kinds and resolution of a <see cref="Destination"/> (<c>uri</c>, or <c>ref</c> plus an
/// optional relative <c>uri</c>). Pure: whether a referent exists is asked through a function.
/// </summary>
/// <param name="IngressUrl">Base URL of the broker service's ingress.</param>
/// <param name="ServiceTemplate">Address of a Platform Service, with <c>{name}</c> and <c>{namespace}</c>.</param>
public sealed record Addresses(string IngressUrl, string ServiceTemplate)
{
    private string Base => IngressUrl.TrimEnd('/');

    /// <summary>Addresses a destination may not resolve to (the platform's control ports). Default none.</summary>
    public ProtectedDestinations Protected { get; init; } = ProtectedDestinations.None;

    /// <summary>A Broker's ingress: <c>{ingress}/{ns}/{name}</c>.</summary>
    public Uri Broker(string ns, string name) => new($"{Base}/{Uri.EscapeDataString(ns)}/{Uri.EscapeDataString(name)}");

    /// <summary>A channel's address: <c>{ingress}/channels/{ns}/{name}</c>.</summary>
    public Uri Channel(string ns, string name) => new($"{Base}/channels/{Uri.EscapeDataString(ns)}/{Uri.EscapeDataString(name)}");

    /// <summary>Name of step <paramref name="i"/>'s channel (and subscription) of a Sequence.</summary>
    public static string SequenceChild(string sequence, int i) => $"{sequence}-kn-sequence-{i}";

    /// <summary>Name of a Parallel's ingress channel.</summary>
    public static string ParallelIngress(string parallel) => $"{parallel}-kn-parallel";

    /// <summary>Name of branch <paramref name="i"/>'s channel (and subscriber subscription) of a Parallel.</summary>
    public static string ParallelBranch(string parallel, int i) => $"{parallel}-kn-parallel-{i}";

    /// <summary>Name of branch <paramref name="i"/>'s filter subscription of a Parallel.</summary>
    public static string ParallelFilter(string parallel, int i) => $"{parallel}-kn-parallel-filter-{i}";

    /// <summary>A Sequence's address: its first step's channel.</summary>
    public Uri Sequence(string ns, string name) => Channel(ns, SequenceChild(name, 0));

    /// <summary>A Parallel's address: its ingress channel.</summary>
    public Uri Parallel(string ns, string name) => Channel(ns, ParallelIngress(name));

    /// <summary>A Platform Service's address.</summary>
    public Uri Service(string ns, string name) => new(ServiceTemplate.Replace("{name}", name).Replace("{namespace}", ns));

    /// <summary>
    /// Resolves <paramref name="destination"/> seen from namespace <paramref name="ns"/>. <paramref name="exists"/>
    /// answers whether an object of a kind (<c>Broker</c>, <c>Channel</c>, ...) exists.
    /// </summary>
    public Resolution Resolve(Destination? destination, string ns, Func<string, string, string, bool> exists)
    {
        var resolution = ResolveAddress(destination, ns, exists);
        return resolution.Uri is { } uri && Protected.Refusal(uri) is { } refusal ? Resolution.Fail(refusal) : resolution;
    }

    private Resolution ResolveAddress(Destination? destination, string ns, Func<string, string, string, bool> exists)
    {
        if (destination is null || (destination.Ref is null && string.IsNullOrEmpty(destination.Uri)))
            return Resolution.Fail("no destination: set uri or ref");
        if (destination.Ref is not { } r)
        {
            return Uri.TryCreate(destination.Uri, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https"
                ? Resolution.Ok(absolute)
                : Resolution.Fail($"uri '{destination.Uri}' is not an absolute http(s) URI");
        }
        var refNs = string.IsNullOrEmpty(r.Namespace) ? ns : r.Namespace;
        if (string.IsNullOrEmpty(r.Name)) return Resolution.Fail("ref.name is required");
        var group = r.Group ?? (r.ApiVersion?.Contains('/') == true ? r.ApiVersion[..r.ApiVersion.IndexOf('/')] : r.ApiVersion) ?? "";
        Uri? address = (r.Kind, group) switch
        {
            ("Service", "serving.knative.dev") => exists("Service", refNs, r.Name) ? Service(refNs, r.Name) : null,
            ("Broker", "eventing.knative.dev") => exists("Broker", refNs, r.Name) ? Broker(refNs, r.Name) : null,
            ("Channel" or "InMemoryChannel", "messaging.knative.dev") => exists(r.Kind, refNs, r.Name) ? Channel(refNs, r.Name) : null,
            ("Sequence", "flows.knative.dev") => exists("Sequence", refNs, r.Name) ? Sequence(refNs, r.Name) : null,
            ("Parallel", "flows.knative.dev") => exists("Parallel", refNs, r.Name) ? Parallel(refNs, r.Name) : null,
            _ => null,
        };
        if (address is null)
        {
            var known = r.Kind is "Service" or "Broker" or "Channel" or "InMemoryChannel" or "Sequence" or "Parallel";
            return Resolution.Fail(known
                ? $"{r.Kind} {refNs}/{r.Name} ({(group.Length == 0 ? "no group" : group)}) not found"
                : $"kind {r.Kind} ({group}) is not addressable here; use Service, Broker, Channel, InMemoryChannel, Sequence, Parallel or a uri");
        }
        if (string.IsNullOrEmpty(destination.Uri)) return Resolution.Ok(address);
        return Uri.TryCreate(address, destination.Uri, out var combined) ? Resolution.Ok(combined) : Resolution.Fail($"uri '{destination.Uri}' cannot be combined with {address}");
    }
}
