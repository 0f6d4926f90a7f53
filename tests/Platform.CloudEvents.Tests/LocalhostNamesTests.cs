using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Platform.CloudEvents.Tests;

/// <summary><c>*.localhost</c> reaches loopback without the system resolver (which glibc does not provide).</summary>
public sealed class LocalhostNamesTests
{
    [Theory]
    [InlineData("localhost", true)]
    [InlineData("LOCALHOST", true)]
    [InlineData("event-display.default.localhost", true)]
    [InlineData("localhost.example.com", false)]
    [InlineData("notlocalhost", false)]
    [InlineData("127.0.0.1", false)]
    public void Names_under_localhost_are_loopback(string host, bool expected) =>
        Assert.Equal(expected, LocalhostNames.IsLocalhost(host));

    [Fact]
    public async Task A_service_name_under_localhost_connects_to_127_0_0_1()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serving = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            using var stream = client.GetStream();
            var buffer = new byte[4096];
            var request = Encoding.ASCII.GetString(buffer, 0, await stream.ReadAsync(buffer));
            var reply = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
            await stream.WriteAsync(reply);
            return request;
        });
        using var http = new HttpClient(new SocketsHttpHandler { ConnectCallback = LocalhostNames.ConnectAsync });

        var body = await http.GetStringAsync($"http://event-display.default.localhost:{port}/");

        Assert.Equal("ok", body);
        Assert.Contains($"Host: event-display.default.localhost:{port}", await serving); // the name still travels as Host
    }
}
