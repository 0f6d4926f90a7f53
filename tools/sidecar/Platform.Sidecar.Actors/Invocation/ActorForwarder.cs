using System.Net;
using Microsoft.AspNetCore.Http;
using Platform.Sidecar.Core.Discovery;

namespace Platform.Sidecar.Actors.Invocation;

/// <summary>
/// Sends an actor request to the sidecar that hosts the actor (its <c>/v1.0/actors/...</c> API), marked so that the
/// receiving sidecar serves it itself instead of forwarding again when registries briefly disagree.
/// </summary>
internal sealed class ActorForwarder : IDisposable
{
    /// <summary>Marks a request forwarded by another sidecar.</summary>
    public const string ForwardedHeader = "X-Platform-Actor-Forwarded";

    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Expect", "Proxy-Connection", "Content-Length",
    };

    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(5),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>Forwards the current request to <paramref name="host"/> and copies its answer back; false when the host is unreachable.</summary>
    public async Task<bool> ForwardAsync(HttpContext context, AppInstance host, CancellationToken cancellationToken)
    {
        var incoming = context.Request;
        var target = new Uri(host.SidecarHttpEndpoint.TrimEnd('/') + incoming.Path + incoming.QueryString);
        using var request = new HttpRequestMessage(new HttpMethod(incoming.Method), target);
        if (incoming.ContentLength is > 0 || incoming.Headers.TransferEncoding.Count > 0 || HttpMethods.IsPut(incoming.Method) || HttpMethods.IsPost(incoming.Method))
        {
            request.Content = new StreamContent(incoming.Body);
            request.Content.Headers.ContentLength = incoming.ContentLength;
        }
        foreach (var (name, values) in incoming.Headers)
        {
            if (NotForwarded.Contains(name)) continue;
            if (!request.Headers.TryAddWithoutValidation(name, values.ToArray())) request.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
        }
        request.Headers.TryAddWithoutValidation(ForwardedHeader, "1");
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            return false;
        }
        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers)
                if (!NotForwarded.Contains(name)) context.Response.Headers[name] = values.ToArray();
            foreach (var (name, values) in response.Content.Headers)
                if (!NotForwarded.Contains(name)) context.Response.Headers[name] = values.ToArray();
            await response.Content.CopyToAsync(context.Response.Body, cancellationToken).ConfigureAwait(false);
        }
        return true;
    }

    public void Dispose() => _http.Dispose();
}
