using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Resources.Serialization;

namespace Platform.Cli.Client;

/// <summary>
/// The local control-plane API over HTTP (serving-controller in local mode, <c>http://127.0.0.1:5100</c> by default).
/// Failures become <see cref="ApiException"/> (a Status from the server) or <see cref="ApiUnreachableException"/>.
/// </summary>
public sealed class HttpResourceClient : IResourceClient
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");
    private static readonly MediaTypeHeaderValue MergePatchType = new("application/merge-patch+json");
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <summary>A client of the API at <paramref name="server"/>.</summary>
    public HttpResourceClient(Uri server, HttpClient? http = null)
    {
        Server = server;
        _ownsHttp = http is null;
        _http = http ?? new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) }) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The API's base address.</summary>
    public Uri Server { get; }

    /// <inheritdoc />
    public string Target => $"the Platform API at {Server.GetLeftPart(UriPartial.Authority)}";

    /// <inheritdoc />
    public async Task<IReadOnlyList<JsonObject>> ListAsync(KindInfo kind, string? ns, CancellationToken cancel)
    {
        var list = await SendAsync(HttpMethod.Get, ApiPaths.Collection(kind, ns), null, null, cancel).ConfigureAwait(false);
        return list.Objects("items");
    }

    /// <inheritdoc />
    public Task<JsonObject> GetAsync(KindInfo kind, string ns, string name, CancellationToken cancel) =>
        SendAsync(HttpMethod.Get, ApiPaths.Object(kind, ns, name), null, null, cancel);

    /// <inheritdoc />
    public Task<JsonObject> CreateAsync(KindInfo kind, string ns, JsonObject obj, CancellationToken cancel) =>
        SendAsync(HttpMethod.Post, ApiPaths.Collection(kind, ns), obj, JsonType, cancel);

    /// <inheritdoc />
    public Task<JsonObject> ReplaceAsync(KindInfo kind, string ns, string name, JsonObject obj, CancellationToken cancel) =>
        SendAsync(HttpMethod.Put, ApiPaths.Object(kind, ns, name), obj, JsonType, cancel);

    /// <inheritdoc />
    public Task<JsonObject> PatchAsync(KindInfo kind, string ns, string name, JsonObject mergePatch, CancellationToken cancel) =>
        SendAsync(HttpMethod.Patch, ApiPaths.Object(kind, ns, name), mergePatch, MergePatchType, cancel);

    /// <inheritdoc />
    public Task DeleteAsync(KindInfo kind, string ns, string name, CancellationToken cancel) =>
        SendAsync(HttpMethod.Delete, ApiPaths.Object(kind, ns, name), null, null, cancel);

    /// <inheritdoc />
    public async Task<IReadOnlyList<AppliedObject>> ApplyAsync(IReadOnlyList<JsonObject> objects, string ns, CancellationToken cancel)
    {
        var body = new JsonArray([.. objects.Select(o => (JsonNode)o.DeepClone())]);
        var result = await SendAsync(HttpMethod.Post, $"{ApiPaths.Apply}?namespace={Uri.EscapeDataString(ns)}", body, JsonType, cancel).ConfigureAwait(false);
        return [.. result.Objects("items").Select(i => new AppliedObject(i.Str("action") ?? "configured", i["object"] as JsonObject ?? new JsonObject()))];
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<WatchEvent> WatchAsync(KindInfo kind, string ns, string? resourceVersion, [EnumeratorCancellation] CancellationToken cancel)
    {
        var url = $"{ApiPaths.Collection(kind, ns)}?watch=true" + (resourceVersion is { Length: > 0 } rv ? $"&resourceVersion={Uri.EscapeDataString(rv)}" : "");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Server, url));
        using var response = await SendRawAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new ApiException(ApiStatus.Parse((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancel).ConfigureAwait(false)));
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel).ConfigureAwait(false), Encoding.UTF8);
        await foreach (var e in WatchLines.ReadAsync(reader, cancel).ConfigureAwait(false))
            yield return e;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<string> LogsAsync(string ns, string service, string? revision, bool follow, [EnumeratorCancellation] CancellationToken cancel)
    {
        var url = $"/apis/platform.dev/v1/namespaces/{Uri.EscapeDataString(ns)}/services/{Uri.EscapeDataString(service)}/logs?follow={(follow ? "true" : "false")}"
            + (revision is { Length: > 0 } ? $"&revision={Uri.EscapeDataString(revision)}" : "");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Server, url));
        using var response = await SendRawAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var status = ApiStatus.Parse((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancel).ConfigureAwait(false));
            // The API's catch-all answers paths it does not know: an older server without the logs endpoint.
            if (status.Reason == "NotFound" && status.Message == "the server could not find the requested resource")
                status = status with { Message = "logs are not available: this Platform API has no logs endpoint (update serving-controller)" };
            throw new ApiException(status);
        }
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel).ConfigureAwait(false), Encoding.UTF8);
        while (await reader.ReadLineAsync(cancel).ConfigureAwait(false) is { } line)
            yield return line;
    }

    private async Task<JsonObject> SendAsync(HttpMethod method, string path, JsonNode? body, MediaTypeHeaderValue? contentType, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(method, new Uri(Server, path));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = contentType;
        }

        using var response = await SendRawAsync(request, HttpCompletionOption.ResponseContentRead, cancel).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancel).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw new ApiException(ApiStatus.Parse((int)response.StatusCode, text));
        if (string.IsNullOrWhiteSpace(text)) return new JsonObject();
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? new JsonObject();
        }
        catch (JsonException e)
        {
            throw new ApiException(new ApiStatus((int)response.StatusCode, "BadResponse", $"the server's answer is not JSON: {e.Message}", []));
        }
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancel)
    {
        try
        {
            return await _http.SendAsync(request, completion, cancel).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            // Refused, unknown host, TLS, or a connection cut mid-answer: in every case the API did not answer.
            throw new ApiUnreachableException(Target, e.InnerException?.Message ?? e.Message, e);
        }
        catch (TaskCanceledException e) when (!cancel.IsCancellationRequested)
        {
            throw new ApiUnreachableException(Target, "the connection timed out", e);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }
}

/// <summary>Reads a Kubernetes watch stream: one JSON object per line, <c>{"type": ..., "object": {...}}</c>.</summary>
public static class WatchLines
{
    /// <summary>The events of <paramref name="reader"/> until it ends; an <c>ERROR</c> event throws its Status.</summary>
    public static async IAsyncEnumerable<WatchEvent> ReadAsync(TextReader reader, [EnumeratorCancellation] CancellationToken cancel)
    {
        while (await reader.ReadLineAsync(cancel).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0) continue;
            JsonObject? e;
            try
            {
                e = JsonNode.Parse(line) as JsonObject;
            }
            catch (JsonException)
            {
                continue; // A torn line at the end of a cut stream: the caller resumes from the last version.
            }

            if (e?["object"] is not JsonObject obj || e.Str("type") is not { } type) continue;
            if (type == "ERROR") throw new ApiException(ApiStatus.Parse(obj.Long("code") is long c ? (int)c : 500, obj.ToJsonString()));
            yield return new WatchEvent(type, obj);
        }
    }
}
