using Platform.Sidecar.Core.Components;
using Platform.Sidecar.Core.PubSub;
using Platform.Sidecar.Core.Resiliency;
using Platform.Sidecar.Core.State;

namespace Platform.Sidecar.Components;

/// <summary>The components this sidecar loaded for its app, by name, with the resiliency policies that apply.</summary>
internal sealed class LoadedComponents : IAsyncDisposable
{
    private readonly Dictionary<string, IPubSub> _pubsubs;
    private readonly Dictionary<string, IStateStore> _stores;

    private LoadedComponents(ResourceSet resources, Dictionary<string, IPubSub> pubsubs, Dictionary<string, IStateStore> stores)
    {
        Resources = resources;
        _pubsubs = pubsubs;
        _stores = stores;
    }

    /// <summary>What was read from the resources paths.</summary>
    public ResourceSet Resources { get; }

    /// <summary>The resiliency policies.</summary>
    public ResiliencySpec Resiliency => Resources.Resiliency;

    /// <summary>Every pub/sub component.</summary>
    public IReadOnlyCollection<IPubSub> PubSubs => _pubsubs.Values;

    /// <summary>Every state store.</summary>
    public IReadOnlyCollection<IStateStore> StateStores => _stores.Values;

    /// <summary>The pub/sub named <paramref name="name"/>, or null.</summary>
    public IPubSub? PubSub(string name) => _pubsubs.GetValueOrDefault(name);

    /// <summary>The state store named <paramref name="name"/>, or null.</summary>
    public IStateStore? StateStore(string name) => _stores.GetValueOrDefault(name);

    /// <summary>
    /// Creates every component of <paramref name="resources"/>; throws <see cref="ResourceFileException"/> naming
    /// the file and field when one cannot be created.
    /// </summary>
    public static LoadedComponents Create(ResourceSet resources, ILoggerFactory loggers)
    {
        var pubsubs = new Dictionary<string, IPubSub>(StringComparer.Ordinal);
        var stores = new Dictionary<string, IStateStore>(StringComparer.Ordinal);
        foreach (var component in resources.Components)
        {
            try
            {
                if (PubSubFactory.IsPubSub(component)) pubsubs[component.Name] = PubSubFactory.Create(component, loggers);
                else stores[component.Name] = StateStoreFactory.Create(component.Name, component.Type, component.Metadata);
            }
            catch (Exception e) when (e is NotSupportedException or ArgumentException or FormatException or InvalidOperationException)
            {
                throw new ResourceFileException(component.File, "spec", $"component '{component.Name}' ({component.Type}): {e.Message}");
            }
        }
        return new LoadedComponents(resources, pubsubs, stores);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var p in _pubsubs.Values) await p.DisposeAsync().ConfigureAwait(false);
        foreach (var s in _stores.Values)
            if (s is IAsyncDisposable d) await d.DisposeAsync().ConfigureAwait(false);
            else (s as IDisposable)?.Dispose();
    }
}
