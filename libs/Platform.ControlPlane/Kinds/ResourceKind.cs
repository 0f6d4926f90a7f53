namespace Platform.ControlPlane.Kinds;

/// <summary>How <c>metadata.name</c> of a kind is checked.</summary>
public enum NameRule
{
    /// <summary>Lowercase alphanumerics, '-' and '.', at most 253 characters (most Kubernetes kinds).</summary>
    Dns1123Subdomain,

    /// <summary>A letter, then lowercase alphanumerics or '-', at most 63 characters (kinds that become hostnames).</summary>
    Dns1035Label,
}

/// <summary>
/// One resource kind the control plane serves: the facts Kubernetes keeps in a CRD (group, version, kind, plural,
/// scope, short names, subresources) plus the name rule our basic admission applies. The one definition of a kind:
/// the API server, every client, the typed model (<c>Platform.Resources</c>) and the CRDs are built from it.
/// </summary>
/// <param name="Group">API group, e.g. <c>serving.knative.dev</c>.</param>
/// <param name="Version">API version inside the group, e.g. <c>v1</c>.</param>
/// <param name="Kind">Kind, e.g. <c>Service</c>.</param>
/// <param name="Plural">Lowercase plural used in paths, e.g. <c>services</c>.</param>
/// <param name="Namespaced">True for namespaced kinds (all of Knative's).</param>
/// <param name="Name">The rule for <c>metadata.name</c>.</param>
/// <param name="ShortNames">Short names for the CLI (<c>ksvc</c>, <c>rev</c>, ...).</param>
public sealed record ResourceKind(
    string Group,
    string Version,
    string Kind,
    string Plural,
    bool Namespaced = true,
    NameRule Name = NameRule.Dns1123Subdomain,
    IReadOnlyList<string>? ShortNames = null)
{
    /// <summary><c>{Group}/{Version}</c>, the value of <c>apiVersion</c>.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary><c>{plural}.{group}</c>, the name Kubernetes uses in messages (<c>services.serving.knative.dev</c>).</summary>
    public string Resource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>Kind of the list (<c>ServiceList</c>).</summary>
    public string ListKind => Kind + "List";

    /// <summary>Lowercase singular (<c>service</c>).</summary>
    public string Singular => Kind.ToLowerInvariant();

    /// <summary>Records compare by identity of group, version and plural; the short-name list does not matter.</summary>
    public bool Equals(ResourceKind? other) =>
        other is not null && Group == other.Group && Version == other.Version && Plural == other.Plural;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Group, Version, Plural);

    /// <inheritdoc />
    public override string ToString() => $"{Kind}.{Group}/{Version}";
}
