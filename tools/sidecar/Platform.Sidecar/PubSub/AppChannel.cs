using System.Net;
using System.Net.Sockets;
using Platform.Sidecar.Hosting;

namespace Platform.Sidecar.PubSub;

/// <summary>
/// The HTTP channel to the app (<c>http://{app-channel-address}:{app-port}</c>): one pooled
/// <see cref="SocketsHttpHandler"/> shared by deliveries and callbacks; <c>APP_API_TOKEN</c> goes out as
/// <c>dapr-api-token</c>.
/// </summary>
internal sealed class AppChannel : IDisposable
{
    private readonly SidecarOptions _options;

    /// <summary>Creates the channel for <paramref name="options"/>.</summary>
    public AppChannel(SidecarOptions options)
    {
        _options = options;
        Handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        Client = new HttpClient(Handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        if (options.AppBaseUrl is { } url) Client.BaseAddress = url;
        if (options.AppApiToken is { } token) Client.DefaultRequestHeaders.TryAddWithoutValidation("dapr-api-token", token);
    }

    /// <summary>The app's base URL, or null when there is no app.</summary>
    public Uri? BaseUrl => _options.AppBaseUrl;

    /// <summary>The shared handler (also used to forward invocations to the app).</summary>
    public SocketsHttpHandler Handler { get; }

    /// <summary>A client with the app's base address and token.</summary>
    public HttpClient Client { get; }

    /// <summary>Waits until the app accepts TCP connections on its port.</summary>
    public async Task WaitForPortAsync(CancellationToken cancellationToken)
    {
        if (_options.AppPort is not { } port) return;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(1));
                await socket.ConnectAsync(_options.AppChannelAddress, port, timeout.Token).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Client.Dispose();
        Handler.Dispose();
    }
}
