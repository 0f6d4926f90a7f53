using System.Net;
using System.Net.Sockets;

namespace Platform.Workloads.Local;

/// <summary>Runs one readiness probe against a replica: TCP connect, or HTTP GET answered with 200..399.</summary>
internal sealed class ReadinessProber : IDisposable
{
    private readonly HttpClient _http;

    public ReadinessProber()
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(1),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5),
            // Kubernetes does not verify a probe's certificate either.
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task<bool> ProbeAsync(string host, int port, ReadinessCheck check, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, check.TimeoutSeconds)));
        try
        {
            return check.Kind == ProbeKind.Http
                ? await HttpAsync(host, port, check, cts.Token)
                : await TcpAsync(host, port, cts.Token);
        }
        catch (Exception e) when (e is SocketException or HttpRequestException or IOException or OperationCanceledException)
        {
            // A probe that fails because the replica is being stopped is not a result: say so to the caller.
            cancellationToken.ThrowIfCancellationRequested();
            return false;
        }
    }

    private static async Task<bool> TcpAsync(string host, int port, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(host), port), cancellationToken);
        return true;
    }

    private async Task<bool> HttpAsync(string host, int port, ReadinessCheck check, CancellationToken cancellationToken)
    {
        var scheme = check.Scheme == "HTTPS" ? "https" : "http";
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{scheme}://{host}:{port}{check.Path}"));
        request.Headers.TryAddWithoutValidation("User-Agent", "kube-probe/platform");
        foreach (var (name, value) in check.Headers)
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return (int)response.StatusCode is >= 200 and < 400;
    }

    public void Dispose() => _http.Dispose();
}
