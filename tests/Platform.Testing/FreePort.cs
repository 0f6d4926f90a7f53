using System.Net;
using System.Net.Sockets;

namespace Platform.Testing;

/// <summary>Free TCP ports on loopback, for the real processes that tests start.</summary>
/// <remarks>
/// A port is handed out a while before its process binds it (the broker's topology starts Redis, the control plane
/// and the sidecar first). A port from the kernel's ephemeral range could meanwhile become the local end of an
/// outgoing connection (every HTTP poll, every Redis client takes one), and the process would then fail to bind it
/// ("address already in use", exit 134). So ports come from below that range, where the kernel never picks one
/// by itself: only a program asking for that exact port can take it.
/// </remarks>
public static class FreePort
{
    // The default ports of dapr.yaml are never given either: a local platform may run beside the tests, and the
    // broker refuses its control ports as destinations.
    private static readonly HashSet<int> Given =
        [.. Enumerable.Range(3500, 5), .. Enumerable.Range(50001, 5), 5100, 5200, 5300, 5400, 8013, 8014, 8080, 8443, 9090, .. Enumerable.Range(9100, 5), .. Enumerable.Range(9190, 5)];

    /// <summary>The lowest port handed out: above the well-known and most registered service ports in use here.</summary>
    public const int Lowest = 10_000;

    /// <summary>The first port of the kernel's ephemeral range (<c>ip_local_port_range</c>); no port is handed out from it.</summary>
    public static int EphemeralStart { get; } = ReadEphemeralStart();

    // A random start per test host, so that two hosts running side by side rarely try the same ports.
    private static int _next = Random.Shared.Next(Lowest, EphemeralStart);

    /// <summary>A port that was free on 127.0.0.1 a moment ago, below the ephemeral range, never one this process was given before.</summary>
    public static int Next()
    {
        lock (Given)
        {
            for (var attempt = 0; attempt < EphemeralStart - Lowest; attempt++)
            {
                var port = _next;
                _next = _next + 1 >= EphemeralStart ? Lowest : _next + 1;
                if (Given.Contains(port) || !IsFree(port)) continue;
                Given.Add(port);
                return port;
            }
        }
        throw new InvalidOperationException($"no free port on 127.0.0.1 between {Lowest} and {EphemeralStart} that this test host has not handed out already");
    }

    /// <summary><paramref name="count"/> distinct free ports.</summary>
    public static int[] Many(int count) => Enumerable.Range(0, count).Select(_ => Next()).ToArray();

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // Linux: "32768\t60999". Elsewhere, or when it cannot be read, the IANA dynamic range's start (49152) is too high
    // for Linux and 32768 is below both.
    private static int ReadEphemeralStart()
    {
        try
        {
            var text = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range");
            var first = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0];
            if (int.TryParse(first, out var start) && start > Lowest + 1000) return start;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 32_768;
    }
}
