using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.ServingController.Kinds;

namespace Platform.ServingController.Store.Http;

/// <summary>
/// <see cref="IResourceStore"/> over the local control-plane API (serving-controller's <c>/apis</c>), for other
/// services and the CLI. <see cref="HttpClient.BaseAddress"/> is the API root, e.g. <c>http://127.0.0.1:5100/</c>.
/// A watch reconnects from the last version it delivered when the server ends the stream.
/// </summary>
public sealed class HttpResourceStore(HttpClient http) : IResourceStore
{
    /// <summary>Path of a kind's collection in <paramref name="ns"/> (null: all namespaces), relative to the API root.</summary>
    public static string CollectionPath(ResourceKind kind, string? ns) =>
        ns is null ? $"apis/{kind.Group}/{kind.Version}/{kind.Plural}" : $"apis/{kind.Group}/{kind.Version}/namespaces/{Uri.EscapeDataString(ns)}/{kind.Plural}";

    /// <summary>Path of one object.</summary>
    public static string ObjectPath(ResourceKind kind, string ns, string name) => $"{CollectionPath(kind, ns)}/{Uri.EscapeDataString(name)}";

    /// <inheritdoc />
    public async Task<JsonObject?> GetAsync(ResourceKind kind, string ns, string name, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync(ObjectPath(kind, ns, name), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        return await ReadObjectAsync(response, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ResourceList> ListAsync(ResourceKind kind, string? ns, string? labelSelector = null, CancellationToken cancellationToken = default)
    {
        var uri = CollectionPath(kind, ns) + (string.IsNullOrEmpty(labelSelector) ? "" : "?labelSelector=" + Uri.EscapeDataString(labelSelector));
        using var response = await http.GetAsync(uri, cancellationToken);
        var list = await ReadObjectAsync(response, cancellationToken);
        var items = (list["items"] as JsonArray ?? []).OfType<JsonObject>().Select(i => (JsonObject)i.DeepClone()).ToList();
        return new ResourceList(items, list.ResourceVersion() ?? "");
    }

    /// <inheritdoc />
    public Task<JsonObject> CreateAsync(ResourceKind kind, JsonObject obj, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, CollectionPath(kind, obj.Namespace() ?? "default"), obj, cancellationToken);

    /// <inheritdoc />
    public Task<JsonObject> UpdateAsync(ResourceKind kind, JsonObject obj, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, ObjectPath(kind, obj.Namespace() ?? "default", obj.Name() ?? ""), obj, cancellationToken);

    /// <inheritdoc />
    public Task<JsonObject> UpdateStatusAsync(ResourceKind kind, JsonObject obj, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, ObjectPath(kind, obj.Namespace() ?? "default", obj.Name() ?? "") + "/status", obj, cancellationToken);

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(ResourceKind kind, string ns, string name, CancellationToken cancellationToken = default)
    {
        using var response = await http.DeleteAsync(ObjectPath(kind, ns, name), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        await ReadObjectAsync(response, cancellationToken);
        return true;
    }

    /// <summary>Sends a multi-document YAML (or JSON) body to the apply endpoint; returns the ApplyResult.</summary>
    public async Task<JsonObject> ApplyAsync(string body, string contentType = "application/yaml", string? defaultNamespace = null, CancellationToken cancellationToken = default)
    {
        var uri = "apis/platform.dev/v1/apply" + (defaultNamespace is null ? "" : "?namespace=" + Uri.EscapeDataString(defaultNamespace));
        using var content = new StringContent(body, Encoding.UTF8, contentType);
        using var response = await http.PostAsync(uri, content, cancellationToken);
        return await ReadObjectAsync(response, cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ResourceEvent> WatchAsync(ResourceKind kind, string? ns, string? fromResourceVersion = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var from = fromResourceVersion;
        while (!cancellationToken.IsCancellationRequested)
        {
            var uri = CollectionPath(kind, ns) + "?watch=true" + (string.IsNullOrEmpty(from) ? "" : "&resourceVersion=" + Uri.EscapeDataString(from));
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new ResourceException(StatusParser.Parse((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken)));
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.Length == 0) continue;
                var e = ParseEvent(line);
                from = e.ResourceVersion;
                yield return e;
            }
        }
    }

    /// <summary>Parses one watch line; throws <see cref="ResourceException"/> for an ERROR event.</summary>
    public static ResourceEvent ParseEvent(string line)
    {
        var node = JsonNode.Parse(line) as JsonObject ?? throw new FormatException("a watch line must be an object");
        var obj = node["object"] as JsonObject ?? throw new FormatException("a watch event has no object");
        var type = ResourceEvent.ParseWire(node.Str("type"));
        if (type is null) throw new ResourceException(StatusParser.Parse(500, obj));
        obj.Parent?.AsObject().Remove("object");
        return new ResourceEvent(type.Value, obj);
    }

    private async Task<JsonObject> SendAsync(HttpMethod method, string uri, JsonObject body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri)
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, JsonWire.Options)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadObjectAsync(response, cancellationToken);
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode) throw new ResourceException(StatusParser.Parse((int)response.StatusCode, text));
        return JsonNode.Parse(text) as JsonObject ?? throw new FormatException("the API answered with something other than an object");
    }
}
