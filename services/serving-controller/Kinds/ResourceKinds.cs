namespace Platform.ServingController.Kinds;

/// <summary>
/// The kinds the control plane serves and how to find one from a path (<c>group/version/plural</c>) or from a
/// document (<c>apiVersion</c> + <c>kind</c>). <see cref="Knative"/> holds the kinds of issue 3; a typed model can
/// supply its own table through the constructor.
/// </summary>
public sealed class ResourceKinds
{
    private readonly Dictionary<(string Group, string Version, string Plural), ResourceKind> _byPath = new();
    private readonly Dictionary<(string ApiVersion, string Kind), ResourceKind> _byKind = new();

    /// <summary>A table of <paramref name="kinds"/>; duplicates (same group, version and plural) are refused.</summary>
    public ResourceKinds(IEnumerable<ResourceKind> kinds)
    {
        foreach (var kind in kinds)
        {
            if (!_byPath.TryAdd((kind.Group, kind.Version, kind.Plural), kind))
                throw new ArgumentException($"kind {kind} is listed twice", nameof(kinds));
            _byKind[(kind.ApiVersion, kind.Kind)] = kind;
        }
        All = _byPath.Values.OrderBy(k => k.Group, StringComparer.Ordinal).ThenBy(k => k.Kind, StringComparer.Ordinal).ToList();
    }

    /// <summary>Every kind, ordered by group then kind.</summary>
    public IReadOnlyList<ResourceKind> All { get; }

    /// <summary>The kind served at <c>/apis/{group}/{version}/.../{plural}</c>, or null.</summary>
    public ResourceKind? FindByPath(string group, string version, string plural) =>
        _byPath.GetValueOrDefault((group, version, plural));

    /// <summary>The kind of a document with this <c>apiVersion</c> and <c>kind</c>, or null.</summary>
    public ResourceKind? FindByKind(string apiVersion, string kind) =>
        _byKind.GetValueOrDefault((apiVersion, kind));

    /// <summary>
    /// The kind a user means by a word such as <c>services</c>, <c>service</c>, <c>ksvc</c> or <c>Service</c>
    /// (the CLI's <c>get KIND</c>); the first group in <see cref="All"/> order wins when two groups share a name.
    /// </summary>
    public ResourceKind? FindByWord(string word)
    {
        var w = word.ToLowerInvariant();
        return All.FirstOrDefault(k => k.Plural == w || k.Singular == w || (k.ShortNames?.Contains(w) ?? false))
            ?? All.FirstOrDefault(k => k.Resource == w);
    }

    /// <summary>Knative's kinds from issue 3: Serving, Eventing, Messaging, Flows and Sources.</summary>
    public static ResourceKinds Knative { get; } = new(
    [
        new("serving.knative.dev", "v1", "Service", "services", Name: NameRule.Dns1035Label, ShortNames: ["ksvc", "kservice"]),
        new("serving.knative.dev", "v1", "Configuration", "configurations", Name: NameRule.Dns1035Label, ShortNames: ["config", "cfg"]),
        new("serving.knative.dev", "v1", "Revision", "revisions", Name: NameRule.Dns1035Label, ShortNames: ["rev"]),
        new("serving.knative.dev", "v1", "Route", "routes", Name: NameRule.Dns1035Label, ShortNames: ["rt"]),
        new("serving.knative.dev", "v1beta1", "DomainMapping", "domainmappings", ShortNames: ["dm"]),
        new("eventing.knative.dev", "v1", "Broker", "brokers"),
        new("eventing.knative.dev", "v1", "Trigger", "triggers"),
        new("messaging.knative.dev", "v1", "Channel", "channels", ShortNames: ["ch"]),
        new("messaging.knative.dev", "v1", "InMemoryChannel", "inmemorychannels", ShortNames: ["imc"]),
        new("messaging.knative.dev", "v1", "Subscription", "subscriptions", ShortNames: ["sub"]),
        new("flows.knative.dev", "v1", "Sequence", "sequences"),
        new("flows.knative.dev", "v1", "Parallel", "parallels"),
        new("sources.knative.dev", "v1", "PingSource", "pingsources"),
        new("sources.knative.dev", "v1", "ApiServerSource", "apiserversources"),
        new("sources.knative.dev", "v1", "SinkBinding", "sinkbindings"),
        new("sources.knative.dev", "v1", "ContainerSource", "containersources"),
    ]);
}
