using System.Net;
using System.Net.Sockets;

namespace Platform.Workloads.Local;

/// <summary>
/// Free TCP ports for local processes, chosen from below the kernel's ephemeral range. A port is chosen a while before
/// its process binds it (a replica takes a moment to start; `platform up` starts apps one after another). A port from
/// the ephemeral range could meanwhile become the local end of an outgoing connection (a probe, a Redis client), and
/// the process would fail to bind it; a TCP probe of a port in that range can even connect to itself. Below the range
/// the kernel never picks a port by itself: only a program asking for that exact port can take it.
/// </summary>
public static class LoopbackPorts
{
    /// <summary>The lowest port chosen: above the well-known and the most used registered service ports.</summary>
    public const int Lowest = 10_000;

    /// <summary>The first port of the kernel's ephemeral range (Linux's <c>ip_local_port_range</c>); none is chosen from it.</summary>
    public static int EphemeralStart { get; } = ReadEphemeralStart();

    /// <summary>Whether <paramref name="port"/> can be bound on <paramref name="address"/> now.</summary>
    public static bool IsFree(IPAddress address, int port)
    {
        try
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(1);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// A port between <see cref="Lowest"/> and <see cref="EphemeralStart"/> that is free on <paramref name="address"/>
    /// and that <paramref name="accept"/> takes, searched from a random point so that side-by-side callers rarely meet.
    /// </summary>
    public static int Pick(IPAddress address, Func<int, bool> accept)
    {
        var end = EphemeralStart;
        var start = Random.Shared.Next(Lowest, end);
        for (var i = 0; i < end - Lowest; i++)
        {
            var port = Lowest + (start - Lowest + i) % (end - Lowest);
            if (accept(port) && IsFree(address, port)) return port;
        }
        throw new InvalidOperationException($"no free port on {address} between {Lowest} and {end}");
    }

    // Linux: "32768\t60999". Where it cannot be read, 32768: below Linux's default start and the IANA range's (49152).
    private static int ReadEphemeralStart()
    {
        try
        {
            var first = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0];
            if (int.TryParse(first, out var start) && start > Lowest + 1000) return start;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 32_768;
    }
}
