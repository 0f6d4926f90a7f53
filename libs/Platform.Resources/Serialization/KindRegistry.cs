using Platform.Resources.Eventing;
using Platform.Resources.Flows;
using Platform.Resources.Messaging;
using Platform.Resources.Meta;
using Platform.Resources.Serving;
using Platform.Resources.Sources;

namespace Platform.Resources.Serialization;

/// <summary>What the API knows about one kind: names used in URLs and on the command line, and its C# type.</summary>
/// <param name="Group">API group, e.g. <c>serving.knative.dev</c>.</param>
/// <param name="Version">Served version, e.g. <c>v1</c>.</param>
/// <param name="Kind">Kind, e.g. <c>Service</c>.</param>
/// <param name="Plural">Plural resource name used in API paths, e.g. <c>services</c>.</param>
/// <param name="Singular">Singular name, e.g. <c>service</c>.</param>
/// <param name="ShortNames">Short names, e.g. <c>ksvc</c>.</param>
/// <param name="Namespaced">Whether objects live in a namespace.</param>
/// <param name="Type">The C# type.</param>
public sealed record KindInfo(string Group, string Version, string Kind, string Plural, string Singular, IReadOnlyList<string> ShortNames, bool Namespaced, Type Type)
{
    /// <summary><c>group/version</c>.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>Fully qualified resource name, <c>services.serving.knative.dev</c>.</summary>
    public string QualifiedName => $"{Plural}.{Group}";

    /// <summary>A new, empty object of this kind.</summary>
    public Resource Create() => (Resource)Activator.CreateInstance(Type)!;
}

/// <summary>
/// The kinds Platform serves, looked up by apiVersion+kind (documents), by group/version/plural (API paths) or by
/// any name a user types (<c>ksvc</c>, <c>services</c>, <c>service</c>, <c>Service</c>, <c>services.serving.knative.dev</c>).
/// </summary>
public sealed class KindRegistry
{
    private readonly List<KindInfo> _kinds;

    /// <summary>Creates a registry of the given kinds.</summary>
    public KindRegistry(IEnumerable<KindInfo> kinds)
    {
        _kinds = [.. kinds];
    }

    /// <summary>Every Knative kind Platform serves.</summary>
    public static KindRegistry Default { get; } = new(
    [
        new(ServingApi.Group, "v1", "Service", "services", "service", ["ksvc", "kservice"], true, typeof(Service)),
        new(ServingApi.Group, "v1", "Configuration", "configurations", "configuration", ["config", "cfg"], true, typeof(Configuration)),
        new(ServingApi.Group, "v1", "Revision", "revisions", "revision", ["rev"], true, typeof(Revision)),
        new(ServingApi.Group, "v1", "Route", "routes", "route", ["rt"], true, typeof(Route)),
        new(ServingApi.Group, "v1beta1", "DomainMapping", "domainmappings", "domainmapping", ["dm"], true, typeof(DomainMapping)),
        new(EventingApi.Group, "v1", "Broker", "brokers", "broker", [], true, typeof(Broker)),
        new(EventingApi.Group, "v1", "Trigger", "triggers", "trigger", [], true, typeof(Trigger)),
        new(MessagingApi.Group, "v1", "Channel", "channels", "channel", ["ch"], true, typeof(Channel)),
        new(MessagingApi.Group, "v1", "InMemoryChannel", "inmemorychannels", "inmemorychannel", ["imc"], true, typeof(InMemoryChannel)),
        new(MessagingApi.Group, "v1", "Subscription", "subscriptions", "subscription", ["sub"], true, typeof(Subscription)),
        new(FlowsApi.Group, "v1", "Sequence", "sequences", "sequence", [], true, typeof(Sequence)),
        new(FlowsApi.Group, "v1", "Parallel", "parallels", "parallel", [], true, typeof(Flows.Parallel)),
        new(SourcesApi.Group, "v1", "PingSource", "pingsources", "pingsource", [], true, typeof(PingSource)),
        new(SourcesApi.Group, "v1", "ApiServerSource", "apiserversources", "apiserversource", [], true, typeof(ApiServerSource)),
        new(SourcesApi.Group, "v1", "SinkBinding", "sinkbindings", "sinkbinding", [], true, typeof(SinkBinding)),
        new(SourcesApi.Group, "v1", "ContainerSource", "containersources", "containersource", [], true, typeof(ContainerSource)),
    ]);

    /// <summary>Every registered kind.</summary>
    public IReadOnlyList<KindInfo> Kinds => _kinds;

    /// <summary>The kind a document names, or null.</summary>
    public KindInfo? Find(string apiVersion, string kind) =>
        _kinds.Find(k => k.ApiVersion == apiVersion && k.Kind == kind);

    /// <summary>The kind served at <c>/apis/{group}/{version}/.../{plural}</c>, or null.</summary>
    public KindInfo? FindByPlural(string group, string version, string plural) =>
        _kinds.Find(k => k.Group == group && k.Version == version && k.Plural == plural);

    /// <summary>
    /// The kind a user means by <paramref name="name"/> (case-insensitive plural, singular, short name or kind,
    /// optionally qualified by group: <c>services.serving.knative.dev</c>), or null.
    /// </summary>
    public KindInfo? FindByName(string name)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        var group = dot > 0 ? name[(dot + 1)..] : null;
        var bare = dot > 0 ? name[..dot] : name;
        return _kinds.Find(k =>
            (group is null || string.Equals(k.Group, group, StringComparison.OrdinalIgnoreCase)) &&
            (string.Equals(k.Plural, bare, StringComparison.OrdinalIgnoreCase) ||
             string.Equals(k.Singular, bare, StringComparison.OrdinalIgnoreCase) ||
             string.Equals(k.Kind, bare, StringComparison.OrdinalIgnoreCase) ||
             k.ShortNames.Any(s => string.Equals(s, bare, StringComparison.OrdinalIgnoreCase))));
    }

    /// <summary>The kind of a C# type.</summary>
    /// <exception cref="ArgumentException">The type is not registered.</exception>
    public KindInfo For(Type type) =>
        _kinds.Find(k => k.Type == type) ?? throw new ArgumentException($"{type.Name} is not a registered kind", nameof(type));

    /// <summary>The kind of <typeparamref name="T"/>.</summary>
    public KindInfo For<T>() where T : Resource => For(typeof(T));

    /// <summary>Kinds sharing <paramref name="kind"/> in other versions or groups (for "did you mean" messages).</summary>
    internal IEnumerable<KindInfo> WithKind(string kind) => _kinds.Where(k => k.Kind == kind);
}
