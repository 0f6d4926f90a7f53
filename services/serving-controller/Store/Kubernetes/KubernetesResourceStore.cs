using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Platform.ServingController.Kinds;

namespace Platform.ServingController.Store.Kubernetes;

/// <summary>
/// <see cref="IResourceStore"/> on a Kubernetes cluster through KubernetesClient's custom-objects API: our kinds
/// are CRDs. Reads and writes are the plain CRUD calls; <see cref="UpdateStatusAsync"/> is a JSON patch of the
/// <c>status</c> subresource carrying the resourceVersion as precondition; a watch resumes from the last version
/// it delivered whenever the API server ends the stream (it does every few minutes).
/// </summary>
public sealed class KubernetesResourceStore(IKubernetes client) : IResourceStore
{
    /// <inheritdoc />
    public async Task<JsonObject?> GetAsync(ResourceKind kind, string ns, string name, CancellationToken cancellationToken = default)
    {
        try
        {
            return ToObject(await client.CustomObjects.GetNamespacedCustomObjectAsync(kind.Group, kind.Version, ns, kind.Plural, name, cancellationToken));
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<ResourceList> ListAsync(ResourceKind kind, string? ns, string? labelSelector = null, CancellationToken cancellationToken = default)
    {
        var list = await Call(() => ns is null
            ? client.CustomObjects.ListClusterCustomObjectAsync(kind.Group, kind.Version, kind.Plural, labelSelector: labelSelector, cancellationToken: cancellationToken)
            : client.CustomObjects.ListNamespacedCustomObjectAsync(kind.Group, kind.Version, ns, kind.Plural, labelSelector: labelSelector, cancellationToken: cancellationToken));
        var obj = ToObject(list);
        var items = (obj["items"] as JsonArray ?? []).OfType<JsonObject>().Select(i => (JsonObject)i.DeepClone()).ToList();
        // Items of a custom-object list may omit apiVersion and kind; reconcilers expect them.
        foreach (var item in items)
        {
            item["apiVersion"] ??= kind.ApiVersion;
            item["kind"] ??= kind.Kind;
        }
        return new ResourceList(items, obj.ResourceVersion() ?? "");
    }

    /// <inheritdoc />
    public async Task<JsonObject> CreateAsync(ResourceKind kind, JsonObject obj, CancellationToken cancellationToken = default) =>
        ToObject(await Call(() => client.CustomObjects.CreateNamespacedCustomObjectAsync(Body(kind, obj), kind.Group, kind.Version, Ns(obj), kind.Plural, cancellationToken: cancellationToken)));

    /// <inheritdoc />
    public async Task<JsonObject> UpdateAsync(ResourceKind kind, JsonObject obj, CancellationToken cancellationToken = default) =>
        ToObject(await Call(() => client.CustomObjects.ReplaceNamespacedCustomObjectAsync(Body(kind, obj), kind.Group, kind.Version, Ns(obj), kind.Plural, obj.Name() ?? "", cancellationToken: cancellationToken)));

    /// <inheritdoc />
    public async Task<JsonObject> UpdateStatusAsync(ResourceKind kind, JsonObject obj, CancellationToken cancellationToken = default)
    {
        // "add" replaces the whole status; a resourceVersion in the patch is a precondition (409 when stale).
        var ops = new JsonArray();
        if (obj.ResourceVersion() is { Length: > 0 } rv)
            ops.Add(new JsonObject { ["op"] = "replace", ["path"] = "/metadata/resourceVersion", ["value"] = rv });
        ops.Add(new JsonObject { ["op"] = "add", ["path"] = "/status", ["value"] = obj["status"]?.DeepClone() ?? new JsonObject() });
        var patch = new V1Patch(JsonSerializer.SerializeToElement(ops), V1Patch.PatchType.JsonPatch);
        return ToObject(await Call(() => client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(patch, kind.Group, kind.Version, Ns(obj), kind.Plural, obj.Name() ?? "", cancellationToken: cancellationToken)));
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(ResourceKind kind, string ns, string name, CancellationToken cancellationToken = default)
    {
        try
        {
            await client.CustomObjects.DeleteNamespacedCustomObjectAsync(kind.Group, kind.Version, ns, kind.Plural, name,
                body: new V1DeleteOptions { PropagationPolicy = "Background" }, cancellationToken: cancellationToken);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (HttpOperationException e)
        {
            throw Translate(e);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ResourceEvent> WatchAsync(ResourceKind kind, string? ns, string? fromResourceVersion = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var from = fromResourceVersion;
        while (!cancellationToken.IsCancellationRequested)
        {
            Exception? streamError = null;
            var stream = ns is null
                ? client.CustomObjects.WatchListClusterCustomObjectAsync(kind.Group, kind.Version, kind.Plural,
                    resourceVersion: string.IsNullOrEmpty(from) ? null : from, onError: e => streamError = e, cancellationToken: cancellationToken)
                : client.CustomObjects.WatchListNamespacedCustomObjectAsync(kind.Group, kind.Version, ns, kind.Plural,
                    resourceVersion: string.IsNullOrEmpty(from) ? null : from, onError: e => streamError = e, cancellationToken: cancellationToken);
            var enumerator = stream.GetAsyncEnumerator(cancellationToken);
            try
            {
                while (true)
                {
                    (k8s.WatchEventType Type, object Object) item;
                    try
                    {
                        if (!await enumerator.MoveNextAsync()) break;
                        item = enumerator.Current;
                    }
                    catch (HttpOperationException e)
                    {
                        throw Translate(e);
                    }
                    catch (KubernetesException e)
                    {
                        throw Translate(e);
                    }
                    var obj = ToObject(item.Object);
                    var type = item.Type switch
                    {
                        k8s.WatchEventType.Added => WatchEventType.Added,
                        k8s.WatchEventType.Modified => WatchEventType.Modified,
                        k8s.WatchEventType.Deleted => WatchEventType.Deleted,
                        k8s.WatchEventType.Error => throw new ResourceException(StatusParser.Parse(500, obj)),
                        _ => (WatchEventType?)null,
                    };
                    if (type is null) continue;
                    from = obj.ResourceVersion() ?? from;
                    yield return new ResourceEvent(type.Value, obj);
                }
            }
            finally
            {
                await enumerator.DisposeAsync();
            }
            if (streamError is HttpOperationException httpError) throw Translate(httpError);
            if (streamError is KubernetesException kubernetesError) throw Translate(kubernetesError);
            if (streamError is not null && streamError is not OperationCanceledException) throw streamError;
        }
    }

    private static string Ns(JsonObject obj) => obj.Namespace() is { Length: > 0 } ns ? ns : "default";

    private static JsonObject Body(ResourceKind kind, JsonObject obj)
    {
        var body = (JsonObject)obj.DeepClone();
        body["apiVersion"] ??= kind.ApiVersion;
        body["kind"] ??= kind.Kind;
        return body;
    }

    private static JsonObject ToObject(object? value) => value switch
    {
        JsonObject o => o,
        JsonElement e => JsonNode.Parse(e.GetRawText()) as JsonObject ?? throw new FormatException("the API server answered with something other than an object"),
        null => throw new FormatException("the API server answered with an empty body"),
        _ => JsonSerializer.SerializeToNode(value) as JsonObject ?? throw new FormatException("the API server answered with something other than an object"),
    };

    private static async Task<object> Call(Func<Task<object>> call)
    {
        try
        {
            return await call();
        }
        catch (HttpOperationException e)
        {
            throw Translate(e);
        }
    }

    // An ERROR event of a watch (410 Expired when the version is too old: the caller lists again).
    private static ResourceException Translate(KubernetesException e) =>
        new(StatusParser.Parse(e.Status?.Code ?? 500,
            new JsonObject { ["reason"] = e.Status?.Reason, ["message"] = e.Status?.Message ?? e.Message, ["code"] = e.Status?.Code }));

    private static ResourceException Translate(HttpOperationException e) =>
        new(StatusParser.Parse((int)e.Response.StatusCode, e.Response.Content));
}
