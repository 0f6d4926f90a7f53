using System.Text.Json.Nodes;

namespace Platform.ControlPlane.Server.Persistence;

/// <summary>
/// Persistence in process memory: nothing survives the process, but one instance shared by two app instances
/// (one after the other) behaves like a durable store. Thread-safe.
/// </summary>
public sealed class InMemoryResourcePersistence : IResourcePersistence
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, byte[]> _objects = new(StringComparer.Ordinal);
    private long _resourceVersion;

    /// <summary>Number of stored objects.</summary>
    public int Count { get { lock (_lock) return _objects.Count; } }

    /// <summary>The stored keys (for tests' messages).</summary>
    public IReadOnlyList<string> Keys { get { lock (_lock) return _objects.Keys.Order(StringComparer.Ordinal).ToList(); } }

    /// <summary>Number of <see cref="SaveAsync"/> calls so far (a batch counts once).</summary>
    public int Saves { get; private set; }

    /// <inheritdoc />
    public Task<PersistedState> LoadAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult(new PersistedState(
                _objects.Values.Select(b => (JsonObject)JsonNode.Parse(b)!).ToList(), _resourceVersion));
    }

    /// <inheritdoc />
    public Task SaveAsync(IReadOnlyList<PersistedWrite> writes, long resourceVersion, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            foreach (var w in writes)
            {
                var key = w.Key("resources");
                if (w.Json is { } json) _objects[key] = json.ToArray();
                else _objects.Remove(key);
            }
            _resourceVersion = resourceVersion;
            Saves++;
        }
        return Task.CompletedTask;
    }
}
