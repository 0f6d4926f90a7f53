using System.Net;
using System.Net.Sockets;

namespace Platform.Testing;

/// <summary>Free TCP ports on loopback, for the real processes that tests start.</summary>
public static class FreePort
{
    // The kernel may hand the same ephemeral port out again once its listener is closed: never give one out twice.
    // The default ports of dapr.yaml are never given either: a local platform may run beside the tests, and the
    // broker refuses its control ports as destinations (3500-3504 and 50001-50005 lie in the ephemeral range).
    private static readonly HashSet<int> Given =
        [.. Enumerable.Range(3500, 5), .. Enumerable.Range(50001, 5), 5100, 5200, 5300, 5400, 8013, 8014, 8080, 8443, 9090, .. Enumerable.Range(9100, 5), .. Enumerable.Range(9190, 5)];

    /// <summary>A port that was free on 127.0.0.1 a moment ago (the OS picks it), never one this process was given before.</summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (Given)
                if (Given.Add(port)) return port;
        }
        throw new InvalidOperationException("no fresh free port on 127.0.0.1 after 1000 attempts");
    }

    /// <summary><paramref name="count"/> distinct free ports.</summary>
    public static int[] Many(int count) => Enumerable.Range(0, count).Select(_ => Next()).ToArray();
}
