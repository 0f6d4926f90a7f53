using System.Text.Json.Nodes;
using Platform.ControlPlane.Kinds;

namespace Platform.ControlPlane.Server.Persistence;

/// <summary>
/// Durable copy of the control plane's objects. The catalog keeps the authoritative in-memory model and writes
/// through this before it answers; on start it loads everything back. Implementations: in-memory (tests, and
/// shared between two app instances to test restarts) and the Dapr state store.
/// </summary>
public interface IResourcePersistence
{
    /// <summary>Every stored object (self-describing: apiVersion, kind, metadata) and the last resourceVersion.</summary>
    Task<PersistedState> LoadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Writes a batch (one API operation: an object, a cascade of deletes, or a whole apply) and the new last
    /// resourceVersion, all or nothing where the backing store allows. Throws
    /// <see cref="PersistenceConflictException"/> when another writer changed the store since this one loaded it.
    /// </summary>
    Task SaveAsync(IReadOnlyList<PersistedWrite> writes, long resourceVersion, CancellationToken cancellationToken);
}

/// <summary>What <see cref="IResourcePersistence.LoadAsync"/> found.</summary>
/// <param name="Objects">The objects, as JSON.</param>
/// <param name="ResourceVersion">The last resourceVersion handed out (0 for an empty store).</param>
public sealed record PersistedState(IReadOnlyList<JsonObject> Objects, long ResourceVersion);

/// <summary>One object to upsert (with <paramref name="Json"/>) or delete (null).</summary>
/// <param name="Kind">The object's kind.</param>
/// <param name="Namespace">Its namespace.</param>
/// <param name="Name">Its name.</param>
/// <param name="Json">The UTF-8 JSON of the object to store, or null to delete it.</param>
public sealed record PersistedWrite(ResourceKind Kind, string Namespace, string Name, ReadOnlyMemory<byte>? Json)
{
    /// <summary>The state-store key: <c>{prefix}||{group}||{kind}||{ns}||{name}</c>.</summary>
    public string Key(string prefix) => $"{prefix}||{Kind.Group}||{Kind.Kind}||{Namespace}||{Name}";

    /// <summary>The key of the list of names of this kind in this namespace (Dapr cannot list keys).</summary>
    public string IndexKey(string prefix) => $"{prefix}||index||{Kind.Group}||{Kind.Kind}||{Namespace}";
}

/// <summary>The state store was written by another control-plane instance since this one loaded it.</summary>
internal sealed class PersistenceConflictException(string message, Exception? inner = null) : Exception(message, inner);
