using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;

namespace Platform.ControlPlane.Http;

/// <summary>
/// <see cref="IResourceStore"/> over the local control-plane API (Kubernetes-shaped paths under <c>/apis</c>, hosted
/// by serving-controller in local mode), for every service and the CLI. <see cref="HttpClient.BaseAddress"/> is the
/// API root, e.g. <c>http://127.0.0.1:5100/</c>. A watch reconnects from the last version it delivered when the
/// server ends the stream; a connection failure is a <see cref="ControlPlaneUnreachableException"/>.
/// </summary>
public sealed class HttpResourceStore(HttpClient http) : IResourceStore
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");
    private static readonly MediaTypeHeaderValue MergePatchType = new("application/merge-patch+json");

    /// <summary>
    /// A store over <paramref name="server"/> with its own connection pool (the CLI's way), sending
    /// <paramref name="token"/> as <c>Authorization: Bearer</c> on every call when given.
    /// </summary>
    public static HttpResourceStore Create(Uri server, string? token = null)
    {
        var http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            BaseAddress = server.AbsoluteUri.EndsWith('/') ? server : new Uri(server.AbsoluteUri + "/"),
            Timeout = Timeout.InfiniteTimeSpan, // watches are long-lived
        };
        if (!string.IsNullOrEmpty(token)) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new HttpResourceStore(http);
    }

    /// <inheritdoc />
    public string Target => $"the Platform API at {http.BaseAddress?.GetLeftPart(UriPartial.Authority)}";

    /// <summary>Path of a kind's collection in <paramref name="ns"/> (null: all namespaces), relative to the API root.</summary>
    public static string CollectionPath(ResourceKind kind, string? ns) =>
        ns is null ? $"apis/{kind.Group}/{kind.Version}/{kind.Plural}" : $"apis/{kind.Group}/{kind.Version}/namespaces/{Uri.EscapeDataString(ns)}/{kind.Plural}";

    /// <summary>Path of one object.</summary>
    public static string ObjectPath(ResourceKind kind, string ns, string name) => $"{CollectionPath(kind, ns)}/{Uri.EscapeDataString(name)}";

    /// <summary>Path of the multi-document apply endpoint (ours, not Kubernetes').</summary>
    public const string ApplyPath = "apis/platform.dev/v1/apply";

    /// <inheritdoc />
    public async Task<JsonObject?> GetAsync(ResourceKind kind, string ns, string name, CancellationToken cancellationToken = default)
    {
        using var response = await SendRawAsync(new HttpRequestMessage(HttpMethod.Get, ObjectPath(kind, ns, name)), HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        return await ReadObjectAsync(response, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ResourceList> ListAsync(ResourceKind kind, string? ns, string? labelSelector = null, CancellationToken cancellationToken = default)
    {
        var uri = CollectionPath(kind, ns) + (string.IsNullOrEmpty(labelSelector) ? "" : "?labelSelector=" + Uri.EscapeDataString(labelSelector));
        var list = await SendAsync(HttpMethod.Get, uri, null, null, cancellationToken);
        var items = (list["items"] as JsonArray ?? []).OfType<JsonObject>().Select(i => (JsonObject)i.DeepClone()).ToList();
        return new ResourceList(items, list.ResourceVersion() ?? "");
    }

    /// <inheritdoc />
    public Task<JsonObject> CreateAsync(ResourceKind kind, JsonObject obj, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, CollectionPath(kind, obj.Namespace() ?? "default"), obj, JsonType, cancellationToken);

    /// <inheritdoc />
    public Task<JsonObject> UpdateAsync(ResourceKind kind, JsonObject obj, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, ObjectPath(kind, obj.Namespace() ?? "default", obj.Name() ?? ""), obj, JsonType, cancellationToken);

    /// <inheritdoc />
    public Task<JsonObject> UpdateStatusAsync(ResourceKind kind, JsonObject obj, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, ObjectPath(kind, obj.Namespace() ?? "default", obj.Name() ?? "") + "/status", obj, JsonType, cancellationToken);

    /// <inheritdoc />
    public Task<JsonObject> PatchAsync(ResourceKind kind, string ns, string name, JsonObject mergePatch, bool status = false, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Patch, ObjectPath(kind, ns, name) + (status ? "/status" : ""), mergePatch, MergePatchType, cancellationToken);

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(ResourceKind kind, string ns, string name, CancellationToken cancellationToken = default)
    {
        using var response = await SendRawAsync(new HttpRequestMessage(HttpMethod.Delete, ObjectPath(kind, ns, name)), HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        await ReadObjectAsync(response, cancellationToken);
        return true;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AppliedObject>> ApplyAsync(IReadOnlyList<JsonObject> objects, string defaultNamespace, CancellationToken cancellationToken = default)
    {
        var body = new JsonArray([.. objects.Select(o => (JsonNode)o.DeepClone())]);
        var result = await SendAsync(HttpMethod.Post, $"{ApplyPath}?namespace={Uri.EscapeDataString(defaultNamespace)}", body, JsonType, cancellationToken);
        return [.. (result["items"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(i => new AppliedObject(i.Str("action") ?? "configured", i["object"] as JsonObject ?? new JsonObject()))];
    }

    /// <summary>Sends a multi-document YAML (or JSON) text to the apply endpoint as it is; returns the ApplyResult.</summary>
    public async Task<JsonObject> ApplyTextAsync(string body, string contentType = "application/yaml", string? defaultNamespace = null, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, ApplyPath + (defaultNamespace is null ? "" : "?namespace=" + Uri.EscapeDataString(defaultNamespace)))
        {
            Content = new StringContent(body, Encoding.UTF8, contentType),
        };
        using var response = await SendRawAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return await ReadObjectAsync(response, cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ResourceEvent> WatchAsync(ResourceKind kind, string? ns, string? fromResourceVersion = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var from = fromResourceVersion;
        while (!cancellationToken.IsCancellationRequested)
        {
            var uri = CollectionPath(kind, ns) + "?watch=true" + (string.IsNullOrEmpty(from) ? "" : "&resourceVersion=" + Uri.EscapeDataString(from));
            using var response = await SendRawAsync(new HttpRequestMessage(HttpMethod.Get, uri), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new ResourceException(StatusParser.Parse((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken)));
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
            while (true)
            {
                string? line;
                try
                {
                    line = await reader.ReadLineAsync(cancellationToken);
                }
                catch (IOException) when (!cancellationToken.IsCancellationRequested)
                {
                    break; // the connection was cut mid-stream: resume from the last version delivered
                }
                if (line is null) break;
                if (line.Length == 0) continue;
                ResourceEvent? e;
                try
                {
                    e = ParseEvent(line);
                }
                catch (JsonException)
                {
                    continue; // a torn last line of a cut stream: resume from the last version delivered
                }
                if (e is null) continue;
                from = e.ResourceVersion;
                yield return e;
            }
        }
    }

    /// <summary>
    /// Output lines of a Service's replicas (<c>[replica] text</c>) from the local API's logs endpoint: of
    /// <paramref name="revision"/>, else of every revision the Service routes to; with <paramref name="follow"/> the
    /// stream stays open for new lines.
    /// </summary>
    public async IAsyncEnumerable<string> ServiceLogsAsync(string ns, string service, string? revision, bool follow, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var url = $"apis/platform.dev/v1/namespaces/{Uri.EscapeDataString(ns)}/services/{Uri.EscapeDataString(service)}/logs?follow={(follow ? "true" : "false")}"
            + (revision is { Length: > 0 } ? $"&revision={Uri.EscapeDataString(revision)}" : "");
        using var response = await SendRawAsync(new HttpRequestMessage(HttpMethod.Get, url), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new ResourceException(StatusParser.Parse((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken)));
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
            yield return line;
    }

    /// <summary>
    /// Parses one watch line; null for a line that is no change (a <c>BOOKMARK</c>); throws
    /// <see cref="ResourceException"/> for an <c>ERROR</c> event and <see cref="JsonException"/> for a torn line.
    /// </summary>
    public static ResourceEvent? ParseEvent(string line)
    {
        var node = JsonNode.Parse(line) as JsonObject ?? throw new JsonException("a watch line must be an object");
        var obj = node["object"] as JsonObject ?? throw new JsonException("a watch event has no object");
        var wire = node.Str("type");
        if (wire == "BOOKMARK") return null;
        var type = ResourceEvent.ParseWire(wire);
        if (type is null) throw new ResourceException(StatusParser.Parse(500, obj));
        node.Remove("object");
        return new ResourceEvent(type.Value, obj);
    }

    private async Task<JsonObject> SendAsync(HttpMethod method, string uri, JsonNode? body, MediaTypeHeaderValue? contentType, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, JsonWire.Options));
            request.Content.Headers.ContentType = contentType;
        }
        using var response = await SendRawAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return await ReadObjectAsync(response, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        using (request)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            try
            {
                return await http.SendAsync(request, completion, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                // Refused, unknown host, TLS, or a connection cut mid-answer: in every case the API did not answer.
                throw new ControlPlaneUnreachableException(Target, e.InnerException?.Message ?? e.Message, e);
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ControlPlaneUnreachableException(Target, "the request timed out", e);
            }
        }
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode) throw new ResourceException(StatusParser.Parse((int)response.StatusCode, text));
        if (string.IsNullOrWhiteSpace(text)) return new JsonObject();
        try
        {
            return JsonNode.Parse(text) as JsonObject
                ?? throw new ResourceException(new ResourceError(StatusReason.InternalError, "the API answered with something other than an object"));
        }
        catch (JsonException e)
        {
            throw new ResourceException(new ResourceError(StatusReason.InternalError, $"the server's answer is not JSON: {e.Message}"));
        }
    }
}
