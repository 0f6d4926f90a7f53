using System.Text.Json.Nodes;
using Platform.ServingController.Kinds;

namespace Platform.ServingController.Store;

/// <summary>
/// Where reconcilers read and write resources: the local control-plane API in local mode, the Kubernetes API in a
/// cluster. Objects are Kubernetes-shaped JSON (<c>apiVersion</c>, <c>kind</c>, <c>metadata</c>, <c>spec</c>,
/// <c>status</c>); failures throw <see cref="ResourceException"/> with the server's <c>Status</c>
/// (NotFound, AlreadyExists, Conflict, Invalid, Gone, ...).
/// </summary>
public interface IResourceStore
{
    /// <summary>The object, or null when it does not exist.</summary>
    Task<JsonObject?> GetAsync(ResourceKind kind, string ns, string name, CancellationToken cancellationToken = default);

    /// <summary>Objects of a kind in <paramref name="ns"/> (null: every namespace), optionally filtered by a label
    /// selector such as <c>app=hello,tier!=web</c>.</summary>
    Task<ResourceList> ListAsync(ResourceKind kind, string? ns, string? labelSelector = null, CancellationToken cancellationToken = default);

    /// <summary>Creates <paramref name="obj"/> in its <c>metadata.namespace</c>; returns the stored object
    /// (uid, resourceVersion, generation 1, defaults).</summary>
    Task<JsonObject> CreateAsync(ResourceKind kind, JsonObject obj, CancellationToken cancellationToken = default);

    /// <summary>Replaces the object (status is ignored); with <c>metadata.resourceVersion</c> set, a stale version
    /// throws Conflict.</summary>
    Task<JsonObject> UpdateAsync(ResourceKind kind, JsonObject obj, CancellationToken cancellationToken = default);

    /// <summary>Replaces only <c>status</c> through the status subresource (no generation bump).</summary>
    Task<JsonObject> UpdateStatusAsync(ResourceKind kind, JsonObject obj, CancellationToken cancellationToken = default);

    /// <summary>Deletes the object and, by owner references, its dependents; false when it did not exist.</summary>
    Task<bool> DeleteAsync(ResourceKind kind, string ns, string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Changes of a kind in <paramref name="ns"/> (null: all namespaces) in resourceVersion order. Without
    /// <paramref name="fromResourceVersion"/> the stream starts with an ADDED event per existing object; with it,
    /// every change after that version is replayed first (Gone when it is older than the retained history: list
    /// again and watch from the list's version). Runs until cancelled.
    /// </summary>
    IAsyncEnumerable<ResourceEvent> WatchAsync(ResourceKind kind, string? ns, string? fromResourceVersion = null, CancellationToken cancellationToken = default);
}
