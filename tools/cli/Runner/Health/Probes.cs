using System.Net;
using System.Net.Sockets;
using System.Text;
using Platform.Workloads.Local;

namespace Platform.Cli.Runner.Health;

/// <summary>Loopback checks the runner makes before and while starting processes.</summary>
internal static class Probes
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromSeconds(5) })
    {
        Timeout = TimeSpan.FromSeconds(5), // generous: a loaded machine (CI, parallel test hosts) answers slowly, and a false "unhealthy" costs more
    };

    /// <summary>Whether 127.0.0.1:<paramref name="port"/> can be bound now.</summary>
    public static bool PortIsFree(int port) => LoopbackPorts.IsFree(IPAddress.Loopback, port);

    /// <summary>A free port on 127.0.0.1, not in <paramref name="avoid"/>, from below the ephemeral range (<see cref="LoopbackPorts"/>).</summary>
    public static int FreePort(IReadOnlySet<int> avoid) => LoopbackPorts.Pick(IPAddress.Loopback, port => !avoid.Contains(port));

    /// <summary>Whether something accepts TCP connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task<bool> AcceptsConnectionsAsync(int port, CancellationToken cancel)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancel.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>The HTTP status of GET <paramref name="url"/>, or null when nothing answers.</summary>
    public static async Task<int?> StatusAsync(string url, CancellationToken cancel)
    {
        try
        {
            using var response = await Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancel).ConfigureAwait(false);
            return (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancel.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether a Redis server answers PING on 127.0.0.1:<paramref name="port"/> (raw RESP; a server that wants a
    /// password answers <c>-NOAUTH</c>, which still means Redis is there).
    /// </summary>
    public static async Task<bool> RedisAnswersAsync(int port, CancellationToken cancel)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync("*1\r\n$4\r\nPING\r\n"u8.ToArray(), timeout.Token).ConfigureAwait(false);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, timeout.Token).ConfigureAwait(false);
            var reply = Encoding.ASCII.GetString(buffer, 0, read);
            return reply.StartsWith("+PONG", StringComparison.Ordinal) || reply.StartsWith("-NOAUTH", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException && !cancel.IsCancellationRequested)
        {
            return false;
        }
    }
}
