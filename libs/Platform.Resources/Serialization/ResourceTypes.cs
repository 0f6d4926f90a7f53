using Platform.ControlPlane.Kinds;
using Platform.Resources.Autoscaling;
using Platform.Resources.Eventing;
using Platform.Resources.Flows;
using Platform.Resources.Messaging;
using Platform.Resources.Meta;
using Platform.Resources.Serving;
using Platform.Resources.Sources;

namespace Platform.Resources.Serialization;

/// <summary>
/// Which C# type models each kind of the control plane's kinds table (<see cref="ResourceKinds"/>, the one place a
/// kind's names are written). Each type carries its own apiVersion and kind; the table is matched against them at
/// start, so a type whose kind is not in the table, or a kind modelled twice, fails at once.
/// </summary>
public sealed class ResourceTypes
{
    private readonly Dictionary<ResourceKind, Type> _types = new();
    private readonly Dictionary<Type, ResourceKind> _kinds = new();

    /// <summary>Maps every type in <paramref name="types"/> to its kind in <paramref name="kinds"/>.</summary>
    /// <exception cref="ArgumentException">A type's kind is not in the table, or two types model one kind.</exception>
    public ResourceTypes(ResourceKinds kinds, IEnumerable<Type> types)
    {
        Kinds = kinds;
        foreach (var type in types)
        {
            var sample = (Resource)Activator.CreateInstance(type)!;
            var kind = kinds.FindByKind(sample.ApiVersion, sample.Kind)
                ?? throw new ArgumentException($"{type.Name} models {sample.ApiVersion} {sample.Kind}, which is not in the kinds table", nameof(types));
            if (!_types.TryAdd(kind, type)) throw new ArgumentException($"{kind} is modelled by {_types[kind].Name} and {type.Name}", nameof(types));
            _kinds[type] = kind;
        }
    }

    /// <summary>Every kind Platform serves, each with its model.</summary>
    public static ResourceTypes Knative { get; } = new(ResourceKinds.Knative,
    [
        typeof(Service), typeof(Configuration), typeof(Revision), typeof(Route), typeof(DomainMapping), typeof(PodAutoscaler),
        typeof(Broker), typeof(Trigger), typeof(Channel), typeof(InMemoryChannel), typeof(Subscription),
        typeof(Sequence), typeof(Flows.Parallel),
        typeof(PingSource), typeof(ApiServerSource), typeof(SinkBinding), typeof(ContainerSource),
    ]);

    /// <summary>The kinds table.</summary>
    public ResourceKinds Kinds { get; }

    /// <summary>Every modelled kind, in the table's order.</summary>
    public IEnumerable<ResourceKind> Modelled => Kinds.All.Where(_types.ContainsKey);

    /// <summary>The C# type of <paramref name="kind"/>, or null when it has no model.</summary>
    public Type? TypeOf(ResourceKind kind) => _types.GetValueOrDefault(kind);

    /// <summary>The kind a document names, when it has a model; else null.</summary>
    public (ResourceKind Kind, Type Type)? Find(string apiVersion, string kind) =>
        Kinds.FindByKind(apiVersion, kind) is { } k && _types.TryGetValue(k, out var t) ? (k, t) : null;

    /// <summary>The kind of a C# type.</summary>
    /// <exception cref="ArgumentException">The type is not a modelled kind.</exception>
    public ResourceKind KindOf(Type type) =>
        _kinds.GetValueOrDefault(type) ?? throw new ArgumentException($"{type.Name} is not a modelled kind", nameof(type));

    /// <summary>The kind of <typeparamref name="T"/>.</summary>
    public ResourceKind KindOf<T>() where T : Resource => KindOf(typeof(T));

    /// <summary>A new, empty object of <paramref name="kind"/>.</summary>
    /// <exception cref="ArgumentException">The kind has no model.</exception>
    public Resource Create(ResourceKind kind) =>
        (Resource)Activator.CreateInstance(TypeOf(kind) ?? throw new ArgumentException($"{kind} has no model", nameof(kind)))!;
}
