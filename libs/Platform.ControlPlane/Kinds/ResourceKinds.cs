namespace Platform.ControlPlane.Kinds;

/// <summary>
/// The kinds the control plane serves and how to find one: from a path (<c>group/version/plural</c>), from a
/// document (<c>apiVersion</c> + <c>kind</c>) or from any word a user types (<c>ksvc</c>, <c>services</c>,
/// <c>Service</c>, <c>services.serving.knative.dev</c>). <see cref="Knative"/> is the table every part of Platform uses.
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

    /// <summary>The kind of a document, or an exception naming what is missing from the table (a programming error).</summary>
    public ResourceKind Get(string apiVersion, string kind) =>
        FindByKind(apiVersion, kind) ?? throw new InvalidOperationException($"kind {apiVersion} {kind} is not in the kinds table");

    /// <summary>
    /// The kind a user means by <paramref name="word"/>: its plural, singular, kind or a short name, case-insensitive,
    /// optionally qualified by group (<c>services.serving.knative.dev</c>); null when none. When two groups share a
    /// name, the first group in <see cref="All"/> order wins.
    /// </summary>
    public ResourceKind? FindByName(string word)
    {
        var dot = word.IndexOf('.', StringComparison.Ordinal);
        var group = dot > 0 ? word[(dot + 1)..] : null;
        var bare = dot > 0 ? word[..dot] : word;
        return All.FirstOrDefault(k =>
            (group is null || string.Equals(k.Group, group, StringComparison.OrdinalIgnoreCase)) &&
            (string.Equals(k.Plural, bare, StringComparison.OrdinalIgnoreCase) ||
             string.Equals(k.Singular, bare, StringComparison.OrdinalIgnoreCase) ||
             string.Equals(k.Kind, bare, StringComparison.OrdinalIgnoreCase) ||
             (k.ShortNames ?? []).Any(s => string.Equals(s, bare, StringComparison.OrdinalIgnoreCase))));
    }

    /// <summary>Kinds named <paramref name="kind"/> in any group or version (for "did you mean" messages).</summary>
    public IEnumerable<ResourceKind> WithKind(string kind) => All.Where(k => k.Kind == kind);

    /// <summary>serving.knative.dev/v1 Service.</summary>
    public static ResourceKind Service { get; } = new("serving.knative.dev", "v1", "Service", "services", Name: NameRule.Dns1035Label, ShortNames: ["ksvc", "kservice"]);
    /// <summary>serving.knative.dev/v1 Configuration.</summary>
    public static ResourceKind Configuration { get; } = new("serving.knative.dev", "v1", "Configuration", "configurations", Name: NameRule.Dns1035Label, ShortNames: ["config", "cfg"]);
    /// <summary>serving.knative.dev/v1 Revision.</summary>
    public static ResourceKind Revision { get; } = new("serving.knative.dev", "v1", "Revision", "revisions", Name: NameRule.Dns1035Label, ShortNames: ["rev"]);
    /// <summary>serving.knative.dev/v1 Route.</summary>
    public static ResourceKind Route { get; } = new("serving.knative.dev", "v1", "Route", "routes", Name: NameRule.Dns1035Label, ShortNames: ["rt"]);
    /// <summary>serving.knative.dev/v1beta1 DomainMapping.</summary>
    public static ResourceKind DomainMapping { get; } = new("serving.knative.dev", "v1beta1", "DomainMapping", "domainmappings", ShortNames: ["dm"]);
    /// <summary>
    /// autoscaling.internal.knative.dev/v1alpha1 PodAutoscaler: one per revision, written by the revision reconciler
    /// (spec) and by the autoscaler (desired scale) and the workload backend (actual scale) in its status.
    /// </summary>
    public static ResourceKind PodAutoscaler { get; } = new("autoscaling.internal.knative.dev", "v1alpha1", "PodAutoscaler", "podautoscalers", ShortNames: ["kpa", "pa"]);
    /// <summary>eventing.knative.dev/v1 Broker.</summary>
    public static ResourceKind Broker { get; } = new("eventing.knative.dev", "v1", "Broker", "brokers");
    /// <summary>eventing.knative.dev/v1 Trigger.</summary>
    public static ResourceKind Trigger { get; } = new("eventing.knative.dev", "v1", "Trigger", "triggers");
    /// <summary>messaging.knative.dev/v1 Channel.</summary>
    public static ResourceKind Channel { get; } = new("messaging.knative.dev", "v1", "Channel", "channels", ShortNames: ["ch"]);
    /// <summary>messaging.knative.dev/v1 InMemoryChannel.</summary>
    public static ResourceKind InMemoryChannel { get; } = new("messaging.knative.dev", "v1", "InMemoryChannel", "inmemorychannels", ShortNames: ["imc"]);
    /// <summary>messaging.knative.dev/v1 Subscription.</summary>
    public static ResourceKind Subscription { get; } = new("messaging.knative.dev", "v1", "Subscription", "subscriptions", ShortNames: ["sub"]);
    /// <summary>flows.knative.dev/v1 Sequence.</summary>
    public static ResourceKind Sequence { get; } = new("flows.knative.dev", "v1", "Sequence", "sequences");
    /// <summary>flows.knative.dev/v1 Parallel.</summary>
    public static ResourceKind Parallel { get; } = new("flows.knative.dev", "v1", "Parallel", "parallels");
    /// <summary>sources.knative.dev/v1 PingSource.</summary>
    public static ResourceKind PingSource { get; } = new("sources.knative.dev", "v1", "PingSource", "pingsources");
    /// <summary>sources.knative.dev/v1 ApiServerSource.</summary>
    public static ResourceKind ApiServerSource { get; } = new("sources.knative.dev", "v1", "ApiServerSource", "apiserversources");
    /// <summary>sources.knative.dev/v1 SinkBinding.</summary>
    public static ResourceKind SinkBinding { get; } = new("sources.knative.dev", "v1", "SinkBinding", "sinkbindings");
    /// <summary>sources.knative.dev/v1 ContainerSource.</summary>
    public static ResourceKind ContainerSource { get; } = new("sources.knative.dev", "v1", "ContainerSource", "containersources");

    /// <summary>Every kind Platform serves: Knative's Serving, Eventing, Messaging, Flows and Sources, and the PodAutoscaler.</summary>
    public static ResourceKinds Knative { get; } = new(
    [
        Service, Configuration, Revision, Route, DomainMapping, PodAutoscaler,
        Broker, Trigger, Channel, InMemoryChannel, Subscription, Sequence, Parallel,
        PingSource, ApiServerSource, SinkBinding, ContainerSource,
    ]);
}
