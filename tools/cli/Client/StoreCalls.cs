using System.Text.Json.Nodes;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;

namespace Platform.Cli.Client;

/// <summary>The shapes the commands call the control plane in: a missing object is an error to print, not a null.</summary>
internal static class StoreCalls
{
    /// <summary>The object; <see cref="ResourceException"/> NotFound when it does not exist.</summary>
    public static async Task<JsonObject> GetRequiredAsync(this IResourceStore store, ResourceKind kind, string ns, string name, CancellationToken cancel) =>
        await store.GetAsync(kind, ns, name, cancel).ConfigureAwait(false) ?? throw new ResourceException(ResourceError.NotFound(kind, name));

    /// <summary>Every object of <paramref name="kind"/> in <paramref name="ns"/> (null: every namespace).</summary>
    public static async Task<IReadOnlyList<JsonObject>> ListItemsAsync(this IResourceStore store, ResourceKind kind, string? ns, CancellationToken cancel) =>
        (await store.ListAsync(kind, ns, cancellationToken: cancel).ConfigureAwait(false)).Items;

    /// <summary>Creates <paramref name="obj"/> in <paramref name="ns"/>.</summary>
    public static Task<JsonObject> CreateInAsync(this IResourceStore store, ResourceKind kind, string ns, JsonObject obj, CancellationToken cancel)
    {
        obj.EnsureMetadata()["namespace"] = ns;
        return store.CreateAsync(kind, obj, cancel);
    }

    /// <summary>Replaces <paramref name="ns"/>/<paramref name="name"/> by <paramref name="obj"/> (its resourceVersion is the precondition).</summary>
    public static Task<JsonObject> ReplaceAsync(this IResourceStore store, ResourceKind kind, string ns, string name, JsonObject obj, CancellationToken cancel)
    {
        var metadata = obj.EnsureMetadata();
        metadata["namespace"] = ns;
        metadata["name"] = name;
        return store.UpdateAsync(kind, obj, cancel);
    }

    /// <summary>Deletes the object; <see cref="ResourceException"/> NotFound when it did not exist.</summary>
    public static async Task DeleteRequiredAsync(this IResourceStore store, ResourceKind kind, string ns, string name, CancellationToken cancel)
    {
        if (!await store.DeleteAsync(kind, ns, name, cancel).ConfigureAwait(false))
            throw new ResourceException(ResourceError.NotFound(kind, name));
    }
}
