using System.Net;
using System.Net.Sockets;

namespace Platform.CloudEvents;

/// <summary>
/// Connects <c>*.localhost</c> names to the loopback address without asking the system resolver. RFC 6761 reserves
/// these names for loopback and browsers and curl honour that, but glibc's resolver does not, and Platform's local
/// addresses are exactly such names (<c>http://event-display.default.localhost:8080</c>, served by the activator).
/// Every other name is resolved and connected as usual.
/// </summary>
public static class LocalhostNames
{
    /// <summary>True for <c>localhost</c> and any name under it.</summary>
    public static bool IsLocalhost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);

    /// <summary>A <see cref="SocketsHttpHandler.ConnectCallback"/> that sends <c>*.localhost</c> to 127.0.0.1.</summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endpoint = context.DnsEndPoint;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (IsLocalhost(endpoint.Host)) await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, endpoint.Port), cancellationToken).ConfigureAwait(false);
            else await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
