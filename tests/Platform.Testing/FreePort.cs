using System.Net;
using Platform.Workloads.Local;

namespace Platform.Testing;

/// <summary>
/// Free TCP ports on loopback, for the real processes that tests start: from below the kernel's ephemeral range
/// (<see cref="LoopbackPorts"/>), since a port is handed out a while before its process binds it (the broker's topology
/// starts Redis, the control plane and the sidecar first), and never one this test host handed out before.
/// </summary>
public static class FreePort
{
    // The default ports of dapr.yaml are never given either: a local platform may run beside the tests, and the
    // broker refuses its control ports as destinations.
    private static readonly HashSet<int> Given =
        [.. Enumerable.Range(3500, 5), .. Enumerable.Range(50001, 5), 5100, 5200, 5300, 5400, 8013, 8014, 8080, 8443, 9090, .. Enumerable.Range(9100, 5), .. Enumerable.Range(9190, 5)];

    /// <summary>A port that was free on 127.0.0.1 a moment ago, below the ephemeral range, never one this process was given before.</summary>
    public static int Next()
    {
        lock (Given)
        {
            var port = LoopbackPorts.Pick(IPAddress.Loopback, p => !Given.Contains(p));
            Given.Add(port);
            return port;
        }
    }

    /// <summary><paramref name="count"/> distinct free ports.</summary>
    public static int[] Many(int count) => Enumerable.Range(0, count).Select(_ => Next()).ToArray();
}
