using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Platform.Activator.Tests.Integration;

public class ForwardingTests
{
    [Fact]
    public async Task Body_over_the_limit_is_413()
    {
        await using var backend = await Backend.StartAsync("a");
        await using var activator = await TestActivator.StartAsync(new() { ["Activator:MaxRequestBodyBytes"] = "1024" });
        await activator.ApplyAsync(TestActivator.Table("hello", 0, null, null, ("hello-00001", 100, null, [backend.Endpoint])));
        using var client = activator.Client();
        var url = activator.Url("hello.default.localhost", "/echo");

        using var small = await client.PostAsync(url, new ByteArrayContent(new byte[512]));
        Assert.Equal("512", await small.Content.ReadAsStringAsync());

        using var declared = await client.PostAsync(url, new ByteArrayContent(new byte[2048]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Equal("body-too-large", JsonDocument.Parse(await declared.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());

        // No Content-Length: the limit is found while streaming.
        using var chunked = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StreamContent(new MemoryStream(new byte[4096])) };
        chunked.Headers.TransferEncodingChunked = true;
        using var streamed = await client.SendAsync(chunked);
        Assert.True(HttpStatusCode.RequestEntityTooLarge == streamed.StatusCode, await streamed.Content.ReadAsStringAsync());
        await TestActivator.EventuallyAsync(() => activator.State("default", "hello-00001").InFlight == 0, "every in-flight slot to be released (the client can read the answer before the activator unwinds)");
    }

    [Fact]
    public async Task WebSocket_echo_through_the_activator()
    {
        await using var backend = await Backend.StartAsync("a");
        await using var activator = await TestActivator.StartAsync();
        await activator.ApplyAsync(TestActivator.Table("hello", 0, null, null, ("hello-00001", 100, null, [backend.Endpoint])));

        using var invoker = new HttpMessageInvoker(activator.Handler());
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(new Uri($"ws://hello.default.localhost:{activator.Port}/ws"), invoker, CancellationToken.None);
        foreach (var text in new[] { "hello", "world" })
        {
            await ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
            var buffer = new byte[64];
            var got = await ws.ReceiveAsync(buffer, CancellationToken.None);
            Assert.Equal(text, Encoding.UTF8.GetString(buffer, 0, got.Count));
        }
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        await TestActivator.EventuallyAsync(() => activator.State("default", "hello-00001").InFlight == 0, "the WebSocket slot to be returned");
    }

    [Fact]
    public async Task Http2_with_prior_knowledge_through_the_activator()
    {
        await using var backend = await Backend.StartAsync("a");
        await using var activator = await TestActivator.StartAsync();
        await activator.ApplyAsync(TestActivator.Table("hello", 0, null, null, ("hello-00001", 100, null, [backend.Endpoint])));
        using var client = activator.Client(port: activator.H2cPort);

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://hello.default.localhost:{activator.H2cPort}/whoami"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpVersion.Version20, response.Version);
        var seen = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("a", seen.GetProperty("name").GetString());
        Assert.Equal($"hello.default.localhost:{activator.H2cPort}", seen.GetProperty("host").GetString());
        Assert.Equal("HTTP/1.1", seen.GetProperty("protocol").GetString());
    }

    [Fact]
    public async Task Unreachable_replica_is_502_with_a_reason()
    {
        var deadPort = Platform.Testing.FreePort.Next();
        await using var activator = await TestActivator.StartAsync();
        await activator.ApplyAsync(TestActivator.Table("hello", 0, null, null, ("hello-00001", 100, null, [$"127.0.0.1:{deadPort}"])));
        using var client = activator.Client();
        using var response = await client.GetAsync(activator.Url("hello.default.localhost"));
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("backend-unreachable", body.GetProperty("error").GetString());
        Assert.Contains("default/hello-00001", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_replica_that_refuses_connections_is_skipped_and_no_request_fails()
    {
        // One replica died a moment ago (its port is closed) but the endpoints still list it: every request is
        // answered by the live one, and the dead one is no longer picked, even when a lagging update lists it again.
        var deadPort = Platform.Testing.FreePort.Next();
        await using var backend = await Backend.StartAsync("live");
        await using var activator = await TestActivator.StartAsync();
        await activator.ApplyAsync(TestActivator.Table("hello", 0, null, null, ("hello-00001", 100, null, [$"127.0.0.1:{deadPort}", backend.Endpoint])));
        using var client = activator.Client();
        for (var i = 0; i < 20; i++)
        {
            using var response = await client.GetAsync(activator.Url("hello.default.localhost", "/whoami"));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"request {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("live", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("name").GetString());
        }
        Assert.Equal(1, activator.State("default", "hello-00001").Replicas);

        // An update sent before the backend noticed the death lists the dead replica again: it stays out.
        await activator.ApplyAsync(TestActivator.Table("hello", 0, null, null, ("hello-00001", 100, null, [$"127.0.0.1:{deadPort}", backend.Endpoint])));
        Assert.Equal(1, activator.State("default", "hello-00001").Replicas);
        await TestActivator.EventuallyAsync(() => activator.State("default", "hello-00001").InFlight == 0, "every in-flight slot to be released (the client can read the answer before the activator unwinds)");
    }

    /// <summary>A replica that is killed while holding its first request: the connection is reset, then the port refuses.</summary>
    private static (int Port, Task Dropped) DyingReplica()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        async Task DropAsync()
        {
            using var socket = await listener.AcceptSocketAsync();
            var buffer = new byte[8192];
            var seen = "";
            while (!seen.Contains("\r\n\r\n", StringComparison.Ordinal))
                seen += System.Text.Encoding.ASCII.GetString(buffer, 0, await socket.ReceiveAsync(buffer));
            socket.LingerState = new System.Net.Sockets.LingerOption(true, 0); // RST, as a killed process leaves it
            listener.Stop();
            socket.Close();
        }
        return (port, DropAsync());
    }

    [Fact]
    public async Task A_safe_request_whose_replica_dies_before_answering_is_sent_to_another_and_does_not_fail()
    {
        var (port, dropped) = DyingReplica();
        await using var backend = await Backend.StartAsync("live");
        await using var activator = await TestActivator.StartAsync();
        // The dying replica first: with nothing in flight the picker's tie goes either way, so try until it is hit.
        await activator.ApplyAsync(TestActivator.Table("hello", 0, null, null, ("hello-00001", 100, null, [$"127.0.0.1:{port}", backend.Endpoint])));
        using var client = activator.Client();
        for (var i = 0; i < 20 && !dropped.IsCompleted; i++)
        {
            using var response = await client.GetAsync(activator.Url("hello.default.localhost", "/whoami"));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"request {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("live", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("name").GetString());
        }
        Assert.True(dropped.IsCompleted, "the dying replica was never picked");
        await dropped;
    }

    [Fact]
    public async Task A_request_with_a_body_whose_replica_dies_before_answering_is_not_sent_twice()
    {
        var (port, dropped) = DyingReplica();
        await using var activator = await TestActivator.StartAsync();
        await activator.ApplyAsync(TestActivator.Table("hello", 0, null, null, ("hello-00001", 100, null, [$"127.0.0.1:{port}"])));
        using var client = activator.Client();
        using var response = await client.PostAsync(activator.Url("hello.default.localhost", "/orders"), new StringContent("{\"order\": 1}"));
        await dropped;
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
    }

    [Theory]
    [InlineData("GET", null, false, true)]
    [InlineData("HEAD", 0L, false, true)]
    [InlineData("OPTIONS", null, false, true)]
    [InlineData("GET", 12L, false, false)] // a body that may be gone already
    [InlineData("GET", null, true, false)]
    [InlineData("POST", null, false, false)] // not safe: may have taken effect
    [InlineData("PUT", 0L, false, false)]
    [InlineData("DELETE", null, false, false)]
    public void Only_safe_requests_without_a_body_are_replayed_after_a_drop(string method, long? length, bool chunked, bool replayed)
    {
        var reset = new HttpRequestException(HttpRequestError.ConnectionError, "reset", new IOException("reset"));
        Assert.Equal(replayed, Platform.Activator.Forwarding.ServiceRequestMiddleware.ReplayableAfterDrop(method, length, chunked, Yarp.ReverseProxy.Forwarder.ForwarderError.Request, reset));
    }

    [Theory]
    [InlineData(HttpRequestError.ResponseEnded, true)]
    [InlineData(HttpRequestError.ConnectionError, true)]
    [InlineData(HttpRequestError.InvalidResponse, false)]
    [InlineData(HttpRequestError.Unknown, false)]
    public void Only_a_dropped_connection_is_replayed(HttpRequestError kind, bool replayed) =>
        Assert.Equal(replayed, Platform.Activator.Forwarding.ServiceRequestMiddleware.ReplayableAfterDrop("GET", null, false,
            Yarp.ReverseProxy.Forwarder.ForwarderError.Request, new HttpRequestException(kind, "x")));

    [Fact]
    public void A_reset_inside_an_unknown_error_is_a_drop_and_a_refused_connection_is_not_replayed_but_evicted()
    {
        var reset = new HttpRequestException(HttpRequestError.Unknown, "send failed",
            new IOException("x", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionReset)));
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "refused",
            new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused));
        var forward = Yarp.ReverseProxy.Forwarder.ForwarderError.Request;
        Assert.True(Platform.Activator.Forwarding.ServiceRequestMiddleware.ReplayableAfterDrop("GET", null, false, forward, reset));
        Assert.False(Platform.Activator.Forwarding.ServiceRequestMiddleware.ReplayableAfterDrop("GET", null, false, forward, refused));
    }
}
