using System.Net;
using System.Net.Sockets;
using Platform.Cli.Runner.Health;

namespace Platform.Cli.Tests.Runner;

public class ProbesTests
{
    private static int EphemeralStart()
    {
        var text = File.Exists("/proc/sys/net/ipv4/ip_local_port_range") ? File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range") : "32768";
        return int.Parse(text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0]);
    }

    [Fact]
    public void A_chosen_port_is_free_not_avoided_and_below_the_kernels_ephemeral_range()
    {
        var end = EphemeralStart();
        var avoid = new HashSet<int>();
        for (var i = 0; i < 50; i++)
        {
            var port = Probes.FreePort(avoid);
            Assert.InRange(port, 10_000, end - 1);
            Assert.True(avoid.Add(port), $"port {port} was handed out although it was to be avoided");
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start(); // free: binding it works
        }
    }

    [Fact]
    public void A_port_something_listens_on_is_not_free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Assert.False(Probes.PortIsFree(((IPEndPoint)listener.LocalEndpoint).Port));
    }
}
