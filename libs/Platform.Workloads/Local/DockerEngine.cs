using System.Net.Sockets;
using System.Text;

namespace Platform.Workloads.Local;

/// <summary>Whether a Docker engine answers on its unix socket (<c>GET /_ping</c> → <c>200 OK</c>).</summary>
internal static class DockerEngine
{
    /// <summary>True when the engine at <paramref name="socketPath"/> answers its ping within <paramref name="timeout"/>.</summary>
    public static async Task<bool> IsReachableAsync(string socketPath, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(socketPath))
        {
            return false;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cts.Token);
            await socket.SendAsync("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"u8.ToArray(), cts.Token);
            var buffer = new byte[512];
            var read = await socket.ReceiveAsync(buffer, cts.Token);
            var head = Encoding.ASCII.GetString(buffer, 0, read);
            return head.StartsWith("HTTP/1.", StringComparison.Ordinal) && head.Length >= 12 && head.AsSpan(9, 3).SequenceEqual("200");
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
        {
            return false;
        }
    }
}
