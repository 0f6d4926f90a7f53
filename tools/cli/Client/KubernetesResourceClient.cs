using System.Net.Http;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Platform.Resources.Serialization;

namespace Platform.Cli.Client;

/// <summary>
/// Our kinds as custom objects of a Kubernetes cluster (Knative's CRDs), through KubernetesClient. Apply has no
/// endpoint there: every object is first sent as a server-side dry run, and only when all pass are they written.
/// </summary>
public sealed class KubernetesResourceClient : IResourceClient
{
    private readonly IKubernetes _client;
    private readonly KindRegistry _kinds;

    /// <summary>A client of the cluster <paramref name="config"/> points at.</summary>
    public KubernetesResourceClient(KubernetesClientConfiguration config, KindRegistry kinds)
    {
        _client = new Kubernetes(config);
        _kinds = kinds;
        Target = $"the Kubernetes API at {config.Host}";
    }

    /// <summary>
    /// Reads the kubeconfig (<paramref name="kubeconfig"/>, else <c>KUBECONFIG</c>, else <c>~/.kube/config</c>) and
    /// selects <paramref name="context"/> (else its current context).
    /// </summary>
    /// <exception cref="ArgumentException">The file is missing or unreadable, or the context is unknown.</exception>
    public static KubernetesResourceClient FromKubeconfig(string? kubeconfig, string? context, KindRegistry kinds)
    {
        if (kubeconfig is not null && !File.Exists(kubeconfig))
            throw new ArgumentException($"--kubeconfig: file \"{kubeconfig}\" not found");
        try
        {
            var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig, context);
            return new KubernetesResourceClient(config, kinds);
        }
        catch (k8s.Exceptions.KubeConfigException e)
        {
            throw new ArgumentException($"kubeconfig {(kubeconfig ?? "(default)")}: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public string Target { get; }

    /// <inheritdoc />
    public async Task<IReadOnlyList<JsonObject>> ListAsync(KindInfo kind, string? ns, CancellationToken cancel)
    {
        var list = await Call(() => ns is null
            ? _client.CustomObjects.ListClusterCustomObjectAsync(kind.Group, kind.Version, kind.Plural, cancellationToken: cancel)
            : _client.CustomObjects.ListNamespacedCustomObjectAsync(kind.Group, kind.Version, ns, kind.Plural, cancellationToken: cancel)).ConfigureAwait(false);
        return list.Objects("items");
    }

    /// <inheritdoc />
    public Task<JsonObject> GetAsync(KindInfo kind, string ns, string name, CancellationToken cancel) =>
        Call(() => _client.CustomObjects.GetNamespacedCustomObjectAsync(kind.Group, kind.Version, ns, kind.Plural, name, cancel));

    /// <inheritdoc />
    public Task<JsonObject> CreateAsync(KindInfo kind, string ns, JsonObject obj, CancellationToken cancel) => Create(kind, ns, obj, dryRun: false, cancel);

    /// <inheritdoc />
    public Task<JsonObject> ReplaceAsync(KindInfo kind, string ns, string name, JsonObject obj, CancellationToken cancel) => Replace(kind, ns, name, obj, dryRun: false, cancel);

    /// <inheritdoc />
    public Task<JsonObject> PatchAsync(KindInfo kind, string ns, string name, JsonObject mergePatch, CancellationToken cancel) =>
        Call(() => _client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(mergePatch.ToJsonString(), V1Patch.PatchType.MergePatch),
            kind.Group, kind.Version, ns, kind.Plural, name, cancellationToken: cancel));

    /// <inheritdoc />
    public Task DeleteAsync(KindInfo kind, string ns, string name, CancellationToken cancel) =>
        Call(() => _client.CustomObjects.DeleteNamespacedCustomObjectAsync(kind.Group, kind.Version, ns, kind.Plural, name,
            new V1DeleteOptions { PropagationPolicy = "Background" }, cancellationToken: cancel));

    /// <inheritdoc />
    public async Task<IReadOnlyList<AppliedObject>> ApplyAsync(IReadOnlyList<JsonObject> objects, string ns, CancellationToken cancel)
    {
        // Pass 1: find what exists and let the API server admit every object without writing (dryRun=All).
        var plans = new List<(KindInfo Kind, string Ns, string Name, JsonObject Body, string? Version)>();
        foreach (var obj in objects)
        {
            var kind = _kinds.Find(obj.Str("apiVersion") ?? "", obj.Str("kind") ?? "")
                ?? throw new ApiException(new ApiStatus(400, "BadRequest", $"unknown kind {obj.Str("kind")} in {obj.Str("apiVersion")}", []));
            var objNs = obj.Str("metadata.namespace") is { Length: > 0 } given ? given : ns;
            var name = obj.Str("metadata.name") ?? "";
            string? version = null;
            try
            {
                version = (await GetAsync(kind, objNs, name, cancel).ConfigureAwait(false)).Str("metadata.resourceVersion");
            }
            catch (ApiException e) when (e.IsNotFound)
            {
            }

            var body = (JsonObject)obj.DeepClone();
            body.Child("metadata")["namespace"] = objNs;
            if (version is not null) body.Child("metadata")["resourceVersion"] = version;
            plans.Add((kind, objNs, name, body, version));
        }

        foreach (var p in plans)
        {
            _ = p.Version is null
                ? await Create(p.Kind, p.Ns, p.Body, dryRun: true, cancel).ConfigureAwait(false)
                : await Replace(p.Kind, p.Ns, p.Name, p.Body, dryRun: true, cancel).ConfigureAwait(false);
        }

        // Pass 2: every object passed; write them.
        var applied = new List<AppliedObject>();
        foreach (var p in plans)
        {
            var stored = p.Version is null
                ? await Create(p.Kind, p.Ns, p.Body, dryRun: false, cancel).ConfigureAwait(false)
                : await Replace(p.Kind, p.Ns, p.Name, p.Body, dryRun: false, cancel).ConfigureAwait(false);
            applied.Add(new AppliedObject(p.Version is null ? "created" : "configured", stored));
        }

        return applied;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<WatchEvent> WatchAsync(KindInfo kind, string ns, string? resourceVersion, [EnumeratorCancellation] CancellationToken cancel)
    {
        Exception? streamError = null;
        var stream = _client.CustomObjects.WatchListNamespacedCustomObjectAsync(kind.Group, kind.Version, ns, kind.Plural,
            resourceVersion: string.IsNullOrEmpty(resourceVersion) ? null : resourceVersion, onError: e => streamError = e, cancellationToken: cancel);
        var enumerator = stream.GetAsyncEnumerator(cancel);
        try
        {
            while (true)
            {
                (WatchEventType Type, object Object) item;
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false)) break;
                    item = enumerator.Current;
                }
                catch (HttpOperationException e)
                {
                    throw Translate(e);
                }
                catch (HttpRequestException e) when (Unreachable(e))
                {
                    throw new ApiUnreachableException(Target, e.InnerException?.Message ?? e.Message, e);
                }

                var obj = ToObject(item.Object);
                if (item.Type == WatchEventType.Error) throw new ApiException(ApiStatus.Parse(obj.Long("code") is long c ? (int)c : 500, obj.ToJsonString()));
                if (item.Type == WatchEventType.Bookmark) continue;
                yield return new WatchEvent(item.Type.ToString().ToUpperInvariant(), obj);
            }
        }
        finally
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
        }

        if (streamError is HttpOperationException httpError) throw Translate(httpError);
        if (streamError is not null and not OperationCanceledException) throw new ApiUnreachableException(Target, streamError.Message, streamError);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<string> LogsAsync(string ns, string service, string? revision, bool follow, CancellationToken cancel) =>
        throw new ApiException(new ApiStatus(501, "NotImplemented",
            $"service logs is not available in Kubernetes mode yet; use kubectl logs -n {ns} -l serving.knative.dev/service={service} -c user-container", []));

    private Task<JsonObject> Create(KindInfo kind, string ns, JsonObject obj, bool dryRun, CancellationToken cancel) =>
        Call(() => _client.CustomObjects.CreateNamespacedCustomObjectAsync(Body(kind, obj), kind.Group, kind.Version, ns, kind.Plural,
            dryRun: dryRun ? "All" : null, cancellationToken: cancel));

    private Task<JsonObject> Replace(KindInfo kind, string ns, string name, JsonObject obj, bool dryRun, CancellationToken cancel) =>
        Call(() => _client.CustomObjects.ReplaceNamespacedCustomObjectAsync(Body(kind, obj), kind.Group, kind.Version, ns, kind.Plural, name,
            dryRun: dryRun ? "All" : null, cancellationToken: cancel));

    private static JsonObject Body(KindInfo kind, JsonObject obj)
    {
        var body = (JsonObject)obj.DeepClone();
        body["apiVersion"] ??= kind.ApiVersion;
        body["kind"] ??= kind.Kind;
        return body;
    }

    private async Task<JsonObject> Call(Func<Task<object>> call)
    {
        try
        {
            return ToObject(await call().ConfigureAwait(false));
        }
        catch (HttpOperationException e)
        {
            throw Translate(e);
        }
        catch (HttpRequestException e) when (Unreachable(e))
        {
            throw new ApiUnreachableException(Target, e.InnerException?.Message ?? e.Message, e);
        }
    }

    private static bool Unreachable(HttpRequestException e) =>
        e.InnerException is SocketException || e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError;

    private static ApiException Translate(HttpOperationException e) =>
        new(ApiStatus.Parse((int)e.Response.StatusCode, e.Response.Content));

    private static JsonObject ToObject(object? value) => value switch
    {
        JsonObject o => o,
        JsonElement { ValueKind: JsonValueKind.Object } e => JsonNode.Parse(e.GetRawText())!.AsObject(),
        null or JsonElement => new JsonObject(),
        _ => JsonSerializer.SerializeToNode(value) as JsonObject ?? new JsonObject(),
    };

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();
}
