using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Server.Http;
using Platform.ControlPlane.Server.Watch;
using Platform.ControlPlane.Store;

namespace Platform.ControlPlane.Server.Catalog;

/// <summary>
/// <see cref="IResourceStore"/> straight on the catalog, for reconcilers running in the process that hosts the
/// API: same semantics as over HTTP without the round trip. Returns copies the caller may change.
/// </summary>
internal sealed class InProcessResourceStore(ResourceCatalog catalog) : IResourceStore
{
    /// <inheritdoc />
    public string Target => "the control plane in this process";

    /// <inheritdoc />
    public Task<JsonObject?> GetAsync(ResourceKind kind, string ns, string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(catalog.Get(kind, ns, name)?.Clone());

    /// <inheritdoc />
    public Task<ResourceList> ListAsync(ResourceKind kind, string? ns, string? labelSelector = null, CancellationToken cancellationToken = default)
    {
        if (!LabelSelector.TryParse(labelSelector, out var selector, out var error)) throw new ResourceException(ResourceError.BadRequest(error!));
        var (items, version) = catalog.List(kind, ns, selector);
        return Task.FromResult(new ResourceList(items.Select(i => i.Clone()).ToList(), version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <inheritdoc />
    public async Task<JsonObject> CreateAsync(ResourceKind kind, JsonObject obj, CancellationToken cancellationToken = default) =>
        Unwrap(await catalog.CreateAsync(kind, obj.Namespace() ?? "default", obj, cancellationToken));

    /// <inheritdoc />
    public async Task<JsonObject> UpdateAsync(ResourceKind kind, JsonObject obj, CancellationToken cancellationToken = default) =>
        Unwrap(await catalog.ReplaceAsync(kind, obj.Namespace() ?? "default", obj.Name() ?? "", obj, status: false, cancellationToken));

    /// <inheritdoc />
    public async Task<JsonObject> UpdateStatusAsync(ResourceKind kind, JsonObject obj, CancellationToken cancellationToken = default) =>
        Unwrap(await catalog.ReplaceAsync(kind, obj.Namespace() ?? "default", obj.Name() ?? "", obj, status: true, cancellationToken));

    /// <inheritdoc />
    public async Task<JsonObject> PatchAsync(ResourceKind kind, string ns, string name, JsonObject mergePatch, bool status = false, CancellationToken cancellationToken = default) =>
        Unwrap(await catalog.PatchAsync(kind, ns, name, current => ((JsonObject)MergePatch.Apply(current, mergePatch)!, null), status, cancellationToken));

    /// <inheritdoc />
    public async Task<IReadOnlyList<AppliedObject>> ApplyAsync(IReadOnlyList<JsonObject> objects, string defaultNamespace, CancellationToken cancellationToken = default)
    {
        var (items, error) = await catalog.ApplyAsync(objects, defaultNamespace, cancellationToken);
        if (error is not null) throw new ResourceException(error);
        return [.. items!.Select(i => new AppliedObject(i.Action, i.Object.Clone()))];
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(ResourceKind kind, string ns, string name, CancellationToken cancellationToken = default)
    {
        var result = await catalog.DeleteAsync(kind, ns, name, orphan: false, cancellationToken);
        if (result.Error is { Reason: StatusReason.NotFound }) return false;
        Unwrap(result);
        return true;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ResourceEvent> WatchAsync(ResourceKind kind, string? ns, string? fromResourceVersion = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var from = fromResourceVersion;
        while (!cancellationToken.IsCancellationRequested)
        {
            var (watcher, error) = catalog.Watch(new WatchFilter(kind, ns, null), from);
            if (error is not null) throw new ResourceException(error);
            using (watcher)
            {
                await foreach (var e in watcher!.ReadAllAsync(cancellationToken).WithCancellation(cancellationToken))
                {
                    from = e.Object.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    yield return e.ToResourceEvent();
                }
            }
            // The watcher was closed for falling behind: resume where it stopped (Gone if that is too old).
            from ??= catalog.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private static JsonObject Unwrap(WriteResult result) =>
        result.Error is { } error ? throw new ResourceException(error) : result.Object!.Clone();
}
