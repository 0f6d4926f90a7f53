using System.Text.Json.Nodes;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;

namespace Platform.ServingController.Reconcilers.DomainMapping.Builders;

/// <summary>
/// What a DomainMapping leads to: a Knative Service (or its Route, same name), routed by the activator through its
/// traffic split; or any other addressable of the namespace by its <c>status.address.url</c>; or, when neither, why
/// (<c>ReferenceResolved=False</c>). Pure: the referenced object is fetched by the caller.
/// </summary>
/// <param name="Service">The Knative Service/Route name, when the reference is one.</param>
/// <param name="Url">The addressable's URL otherwise.</param>
/// <param name="Reason">Why the reference does not resolve; null when it does.</param>
/// <param name="Message">What to fix.</param>
internal sealed record DomainTarget(string? Service, Uri? Url, string? Reason, string? Message)
{
    /// <summary>True when the reference resolved.</summary>
    public bool Resolved => Reason is null;

    /// <summary>The kind the reference names, or null when no kind of the table matches.</summary>
    public static ResourceKind? KindOf(ServingDomainMapping mapping) =>
        mapping.Spec?.Ref is { } r ? ResourceKinds.Knative.FindByKind(r.ApiVersion ?? "", r.Kind ?? "") : null;

    /// <summary>Resolves the mapping's reference given the object it names (null when it does not exist).</summary>
    public static DomainTarget Resolve(ServingDomainMapping mapping, ResourceKind? kind, JsonObject? target)
    {
        var reference = mapping.Spec?.Ref;
        var ns = mapping.Metadata.Namespace ?? "default";
        if (reference is null || kind is null)
            return new(null, null, "KindUnknown", $"spec.ref: {reference?.ApiVersion} {reference?.Kind} is not a kind this platform serves");
        if (target is null)
            return new(null, null, "NotFound", $"{reference.Kind} {ns}/{reference.Name} does not exist");
        if (kind == ResourceKinds.Service || kind == ResourceKinds.Route)
            return new(reference.Name, null, null, null);
        if (target["status"]?["address"]?["url"] is JsonValue url && Uri.TryCreate((string?)url, UriKind.Absolute, out var address)
            && address.Scheme is "http" or "https")
            return new(null, address, null, null);
        return new(null, null, "NotAddressable", $"{reference.Kind} {ns}/{reference.Name} has no status.address.url (yet)");
    }

    /// <summary>Fetches what the mapping references and resolves it.</summary>
    public static async Task<DomainTarget> ReadAsync(IResourceStore store, ServingDomainMapping mapping, CancellationToken cancellationToken)
    {
        var kind = KindOf(mapping);
        // A Knative Service is routed by its Route (same name): that is the object whose readiness matters.
        var fetch = kind == ResourceKinds.Service ? ResourceKinds.Route : kind;
        var target = fetch is null ? null
            : await store.GetAsync(fetch, mapping.Metadata.Namespace ?? "default", mapping.Spec!.Ref!.Name!, cancellationToken);
        return Resolve(mapping, kind, target);
    }
}

/// <summary>
/// Who owns a domain mapped in several namespaces, as Knative's ClusterDomainClaim decides: the oldest mapping (then
/// the first namespace by name) claims it; the others report <c>DomainClaimed=False</c>.
/// </summary>
internal static class DomainClaims
{
    /// <summary>The namespace that owns the domain among the mappings of that name.</summary>
    public static string? Owner(IEnumerable<ServingDomainMapping> sameName) =>
        sameName
            .Where(m => m.Metadata.DeletionTimestamp is null)
            .OrderBy(m => m.Metadata.CreationTimestamp ?? DateTimeOffset.MaxValue)
            .ThenBy(m => m.Metadata.Namespace, StringComparer.Ordinal)
            .Select(m => m.Metadata.Namespace ?? "default")
            .FirstOrDefault();
}
