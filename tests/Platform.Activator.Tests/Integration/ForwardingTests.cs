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
        Assert.Equal(0, activator.State("default", "hello-00001").InFlight);
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
        // answered by the live one, and the dead one is no longer picked.
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
        Assert.Equal(0, activator.State("default", "hello-00001").InFlight);
    }
}
