using System.Net;
using System.Text.Json;
using Platform.Sidecar.Actors.Activation;
using Platform.Sidecar.Actors.Hosting;

namespace Platform.Sidecar.Actors.Invocation;

/// <summary>The sidecar's HTTP connection to its app: actor callbacks, deactivation and <c>GET /dapr/config</c>.</summary>
internal sealed class AppChannel : IDisposable
{
    private readonly HttpClient _http;
    private readonly string? _token;

    public AppChannel(ActorRuntimeOptions options)
    {
        _token = options.AppApiToken;
        _http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
        })
        {
            BaseAddress = options.AppBaseUrl,
            // Actor methods may run long; the caller's cancellation bounds them, as with daprd.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>Sends <paramref name="request"/> to the app with the app token; the response body is buffered.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_token is not null) request.Headers.TryAddWithoutValidation("dapr-api-token", _token);
        return _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
    }

    /// <summary>The app's actor configuration; <see cref="ActorAppConfig.None"/> when it has no <c>/dapr/config</c>, null while it does not answer.</summary>
    public async Task<(ActorAppConfig? Config, string? Pending)> TryGetConfigAsync(CancellationToken cancellationToken)
    {
        // An app that accepts the connection but never answers must not stall start-up forever.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "dapr/config");
            using var response = await SendAsync(request, timeout.Token).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed) return (ActorAppConfig.None, null);
            if (!response.IsSuccessStatusCode) return (null, $"HTTP {(int)response.StatusCode}");
            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            if (body.Length == 0) return (ActorAppConfig.None, null);
            using var json = JsonDocument.Parse(body);
            return (ActorAppConfig.Parse(json.RootElement), null);
        }
        catch (HttpRequestException e)
        {
            return (null, e.Message);
        }
        catch (JsonException e)
        {
            return (null, "invalid JSON: " + e.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, "no answer within 5 s");
        }
    }

    /// <summary>Tells the app to deactivate the actor (<c>DELETE /actors/{type}/{id}</c>).</summary>
    public async Task DeactivateAsync(ActorKey key, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, ActorPaths.App(key, null));
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        // 404: the app no longer knows the actor, which is what deactivation wants.
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
            throw new HttpRequestException($"app answered {(int)response.StatusCode} to DELETE /actors/{key}", null, response.StatusCode);
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>Relative URLs of the app's actor endpoints.</summary>
internal static class ActorPaths
{
    /// <summary><c>actors/{type}/{id}</c>, then <paramref name="suffix"/> (e.g. <c>method/Get</c>, <c>method/timer/t1</c>).</summary>
    public static string App(ActorKey key, string? suffix) =>
        suffix is null
            ? $"actors/{Uri.EscapeDataString(key.Type)}/{Uri.EscapeDataString(key.Id)}"
            : $"actors/{Uri.EscapeDataString(key.Type)}/{Uri.EscapeDataString(key.Id)}/{suffix}";
}
