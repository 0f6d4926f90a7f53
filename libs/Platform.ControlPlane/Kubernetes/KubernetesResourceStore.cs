using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;

namespace Platform.ControlPlane.Kubernetes;

/// <summary>
/// <see cref="IResourceStore"/> on a Kubernetes cluster through KubernetesClient's custom-objects API: our kinds
/// are CRDs. Reads and writes are the plain CRUD calls; <see cref="UpdateStatusAsync"/> is a JSON patch of the
/// <c>status</c> subresource carrying the resourceVersion as precondition; <see cref="PatchAsync"/> a merge patch;
/// <see cref="ApplyAsync"/> a server-side dry run of every object first, then the writes. A watch resumes from the
/// last version it delivered whenever the API server ends the stream (it does every few minutes).
/// </summary>
public sealed class KubernetesResourceStore(IKubernetes client, ResourceKinds kinds, string? target = null) : IResourceStore
{
    /// <summary>A store over <paramref name="client"/> serving the kinds of <see cref="ResourceKinds.Knative"/>.</summary>
    public KubernetesResourceStore(IKubernetes client) : this(client, ResourceKinds.Knative)
    {
    }

    /// <summary>
    /// A store for the cluster of a kubeconfig (<paramref name="kubeconfig"/>, else <c>KUBECONFIG</c>, else
    /// <c>~/.kube/config</c>) and <paramref name="context"/> (else its current context); in a pod without either,
    /// the pod's service account.
    /// </summary>
    /// <exception cref="ArgumentException">The file is missing or unreadable, or the context is unknown.</exception>
    public static KubernetesResourceStore FromConfig(string? kubeconfig, string? context, ResourceKinds? kinds = null)
    {
        var config = ClientConfiguration(kubeconfig, context);
        return new KubernetesResourceStore(new k8s.Kubernetes(config), kinds ?? ResourceKinds.Knative, $"the Kubernetes API at {config.Host}");
    }

    /// <summary>
    /// The client configuration of a kubeconfig (<paramref name="kubeconfig"/>, else <c>KUBECONFIG</c>, else
    /// <c>~/.kube/config</c>) and <paramref name="context"/>; in a pod without either, the pod's service account.
    /// Every Kubernetes client of a process (the store, the workload backend) is built from this one setting.
    /// </summary>
    /// <exception cref="ArgumentException">The file is missing or unreadable, or the context is unknown.</exception>
    public static KubernetesClientConfiguration ClientConfiguration(string? kubeconfig, string? context)
    {
        if (kubeconfig is not null && !File.Exists(kubeconfig))
            throw new ArgumentException($"kubeconfig: file \"{kubeconfig}\" not found");
        try
        {
            return kubeconfig is null && context is null && KubernetesClientConfiguration.IsInCluster()
                ? KubernetesClientConfiguration.InClusterConfig()
                : KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig, context);
        }
        catch (k8s.Exceptions.KubeConfigException e)
        {
            throw new ArgumentException($"kubeconfig {kubeconfig ?? "(default)"}: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public string Target { get; } = target ?? $"the Kubernetes API at {client.BaseUri}";

    /// <inheritdoc />
    public async Task<JsonObject?> GetAsync(ResourceKind kind, string ns, string name, CancellationToken cancellationToken = default)
    {
        try
        {
            return ToObject(await Call(() => client.CustomObjects.GetNamespacedCustomObjectAsync(kind.Group, kind.Version, ns, kind.Plural, name, cancellationToken)));
        }
        catch (ResourceException e) when (e.Reason == StatusReason.NotFound)
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
        // Items of a custom-object list may omit apiVersion and kind; readers expect them.
        foreach (var item in items)
        {
            item["apiVersion"] ??= kind.ApiVersion;
            item["kind"] ??= kind.Kind;
        }
        return new ResourceList(items, obj.ResourceVersion() ?? "");
    }

    /// <inheritdoc />
    public Task<JsonObject> CreateAsync(ResourceKind kind, JsonObject obj, CancellationToken cancellationToken = default) =>
        Create(kind, obj, dryRun: false, cancellationToken);

    /// <inheritdoc />
    public Task<JsonObject> UpdateAsync(ResourceKind kind, JsonObject obj, CancellationToken cancellationToken = default) =>
        Replace(kind, obj, dryRun: false, cancellationToken);

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
    public async Task<JsonObject> PatchAsync(ResourceKind kind, string ns, string name, JsonObject mergePatch, bool status = false, CancellationToken cancellationToken = default)
    {
        var patch = new V1Patch(mergePatch.ToJsonString(), V1Patch.PatchType.MergePatch);
        return ToObject(await Call(() => status
            ? client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(patch, kind.Group, kind.Version, ns, kind.Plural, name, cancellationToken: cancellationToken)
            : client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, kind.Group, kind.Version, ns, kind.Plural, name, cancellationToken: cancellationToken)));
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(ResourceKind kind, string ns, string name, CancellationToken cancellationToken = default)
    {
        try
        {
            await Call(() => client.CustomObjects.DeleteNamespacedCustomObjectAsync(kind.Group, kind.Version, ns, kind.Plural, name,
                body: new V1DeleteOptions { PropagationPolicy = "Background" }, cancellationToken: cancellationToken));
            return true;
        }
        catch (ResourceException e) when (e.Reason == StatusReason.NotFound)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AppliedObject>> ApplyAsync(IReadOnlyList<JsonObject> objects, string defaultNamespace, CancellationToken cancellationToken = default)
    {
        // Kubernetes has no multi-object transaction. Pass 1: find what exists and let the API server admit every
        // object without writing (dryRun=All); pass 2, only when all passed: write them.
        var plans = new List<(ResourceKind Kind, JsonObject Body, bool Exists)>();
        foreach (var obj in objects)
        {
            var kind = kinds.FindByKind(obj.Str("apiVersion") ?? "", obj.Str("kind") ?? "")
                ?? throw new ResourceException(ResourceError.BadRequest($"no kind \"{obj.Str("kind")}\" is registered for version \"{obj.Str("apiVersion")}\""));
            var body = (JsonObject)obj.DeepClone();
            var metadata = body.EnsureMetadata();
            if (string.IsNullOrEmpty(metadata.Str("namespace"))) metadata["namespace"] = defaultNamespace;
            var current = await GetAsync(kind, metadata.Str("namespace")!, metadata.Str("name") ?? "", cancellationToken);
            if (current?.ResourceVersion() is { } version) metadata["resourceVersion"] = version;
            plans.Add((kind, body, current is not null));
        }
        foreach (var (kind, body, exists) in plans)
            _ = exists ? await Replace(kind, body, dryRun: true, cancellationToken) : await Create(kind, body, dryRun: true, cancellationToken);
        var applied = new List<AppliedObject>();
        foreach (var (kind, body, exists) in plans)
        {
            var stored = exists ? await Replace(kind, body, dryRun: false, cancellationToken) : await Create(kind, body, dryRun: false, cancellationToken);
            applied.Add(new AppliedObject(exists ? "configured" : "created", stored));
        }
        return applied;
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
                    resourceVersion: string.IsNullOrEmpty(from) ? null : from, allowWatchBookmarks: true, onError: e => streamError = e, cancellationToken: cancellationToken)
                : client.CustomObjects.WatchListNamespacedCustomObjectAsync(kind.Group, kind.Version, ns, kind.Plural,
                    resourceVersion: string.IsNullOrEmpty(from) ? null : from, allowWatchBookmarks: true, onError: e => streamError = e, cancellationToken: cancellationToken);
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
                    catch (Exception e) when (Translate(e) is { } translated)
                    {
                        throw translated;
                    }
                    var obj = ToObject(item.Object);
                    if (item.Type == k8s.WatchEventType.Error) throw new ResourceException(StatusParser.Parse(500, obj));
                    if (item.Type == k8s.WatchEventType.Bookmark)
                    {
                        // A bookmark only moves the version to resume from.
                        from = obj.ResourceVersion() ?? from;
                        continue;
                    }
                    var type = item.Type switch
                    {
                        k8s.WatchEventType.Added => Store.WatchEventType.Added,
                        k8s.WatchEventType.Modified => Store.WatchEventType.Modified,
                        k8s.WatchEventType.Deleted => Store.WatchEventType.Deleted,
                        _ => (Store.WatchEventType?)null,
                    };
                    if (type is null) continue;
                    obj["apiVersion"] ??= kind.ApiVersion;
                    obj["kind"] ??= kind.Kind;
                    from = obj.ResourceVersion() ?? from;
                    yield return new ResourceEvent(type.Value, obj);
                }
            }
            finally
            {
                await enumerator.DisposeAsync();
            }
            if (streamError is not null && streamError is not OperationCanceledException)
                throw Translate(streamError) ?? streamError;
        }
    }

    private Task<JsonObject> Create(ResourceKind kind, JsonObject obj, bool dryRun, CancellationToken cancellationToken) =>
        CallObject(() => client.CustomObjects.CreateNamespacedCustomObjectAsync(Body(kind, obj), kind.Group, kind.Version, Ns(obj), kind.Plural,
            dryRun: dryRun ? "All" : null, cancellationToken: cancellationToken));

    private Task<JsonObject> Replace(ResourceKind kind, JsonObject obj, bool dryRun, CancellationToken cancellationToken) =>
        CallObject(() => client.CustomObjects.ReplaceNamespacedCustomObjectAsync(Body(kind, obj), kind.Group, kind.Version, Ns(obj), kind.Plural, obj.Name() ?? "",
            dryRun: dryRun ? "All" : null, cancellationToken: cancellationToken));

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
        JsonElement { ValueKind: JsonValueKind.Object } e => JsonNode.Parse(e.GetRawText())!.AsObject(),
        null or JsonElement => new JsonObject(),
        _ => JsonSerializer.SerializeToNode(value) as JsonObject ?? new JsonObject(),
    };

    private async Task<JsonObject> CallObject(Func<Task<object>> call) => ToObject(await Call(call));

    private async Task<object> Call(Func<Task<object>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>The store's exception for a client failure; null for exceptions that are not the API's.</summary>
    private Exception? Translate(Exception e) => e switch
    {
        HttpOperationException h => new ResourceException(StatusParser.Parse((int)h.Response.StatusCode, h.Response.Content)),
        // An ERROR event of a watch (410 Expired when the version is too old: the caller lists again).
        KubernetesException k => new ResourceException(StatusParser.Parse(k.Status?.Code ?? 500,
            new JsonObject { ["reason"] = k.Status?.Reason, ["message"] = k.Status?.Message ?? k.Message, ["code"] = k.Status?.Code })),
        HttpRequestException r when r.InnerException is SocketException
            || r.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError
            => new ControlPlaneUnreachableException(Target, r.InnerException?.Message ?? r.Message, r),
        _ => null,
    };
}
