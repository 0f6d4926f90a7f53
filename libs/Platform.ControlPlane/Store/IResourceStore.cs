using System.Text.Json.Nodes;
using Platform.ControlPlane.Kinds;

namespace Platform.ControlPlane.Store;

/// <summary>
/// The control plane as every service and the CLI see it: the local control-plane API (over HTTP, or in the process
/// that hosts it) in local mode, the Kubernetes API in a cluster. Objects are Kubernetes-shaped JSON
/// (<c>apiVersion</c>, <c>kind</c>, <c>metadata</c>, <c>spec</c>, <c>status</c>), so that fields a reader does not
/// model survive a read-modify-write. Failures throw <see cref="ResourceException"/> with the server's <c>Status</c>
/// (NotFound, AlreadyExists, Conflict, Invalid, Gone, ...), or <see cref="ControlPlaneUnreachableException"/> when
/// nothing answered.
/// </summary>
public interface IResourceStore
{
    /// <summary>Where this store talks to, for messages (<c>the Platform API at http://127.0.0.1:5100</c>).</summary>
    string Target { get; }

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

    /// <summary>
    /// Applies an RFC 7386 merge patch to the object (or, with <paramref name="status"/>, to its status
    /// subresource), atomically on the server: concurrent patches of different fields never lose each other.
    /// </summary>
    Task<JsonObject> PatchAsync(ResourceKind kind, string ns, string name, JsonObject mergePatch, bool status = false, CancellationToken cancellationToken = default);

    /// <summary>Deletes the object and, by owner references, its dependents; false when it did not exist.</summary>
    Task<bool> DeleteAsync(ResourceKind kind, string ns, string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates or replaces every object, all or nothing: when one is refused nothing is written and the
    /// <see cref="ResourceException"/> names it. Objects without a namespace go to <paramref name="defaultNamespace"/>.
    /// </summary>
    Task<IReadOnlyList<AppliedObject>> ApplyAsync(IReadOnlyList<JsonObject> objects, string defaultNamespace, CancellationToken cancellationToken = default);

    /// <summary>
    /// Changes of a kind in <paramref name="ns"/> (null: all namespaces) in resourceVersion order. Without
    /// <paramref name="fromResourceVersion"/> the stream starts with an ADDED event per existing object; with it,
    /// every change after that version is replayed first (Gone when it is older than the retained history: list
    /// again and watch from the list's version). Runs until cancelled; <see cref="Informers.ResourceInformer"/>
    /// wraps it with list, resume and re-list.
    /// </summary>
    IAsyncEnumerable<ResourceEvent> WatchAsync(ResourceKind kind, string? ns, string? fromResourceVersion = null, CancellationToken cancellationToken = default);
}

/// <summary>One object written by <see cref="IResourceStore.ApplyAsync"/>.</summary>
/// <param name="Action"><c>created</c>, <c>configured</c> or <c>unchanged</c>.</param>
/// <param name="Object">The object as stored.</param>
public sealed record AppliedObject(string Action, JsonObject Object);

/// <summary>Nothing answered at the control plane's address (connection refused, unknown host, TLS failure, timeout).</summary>
public sealed class ControlPlaneUnreachableException(string target, string detail, Exception? inner = null)
    : Exception($"cannot reach {target}: {detail}", inner)
{
    /// <summary>The address or cluster tried.</summary>
    public string Target { get; } = target;

    /// <summary>The underlying reason.</summary>
    public string Detail { get; } = detail;
}
