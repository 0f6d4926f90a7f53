using System.Net;
using System.Net.Sockets;
using System.Text;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Http;
using CloudNative.CloudEvents.SystemTextJson;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Testing;

namespace Platform.CloudEvents.Tests;

/// <summary>
/// Binary mode on the wire: the exact header bytes our sender and our response writer put on a socket, and a
/// third-party receiver — the official CloudNative.CloudEvents SDK's HTTP binding — reading what we send.
/// </summary>
public sealed class WireInteropTests
{
    private static CloudEvent Sample() => new()
    {
        Id = "id 1",
        Source = new Uri("/my/source", UriKind.Relative),
        Type = "dev.example.created",
        Time = new DateTimeOffset(2018, 4, 5, 3, 56, 24, TimeSpan.Zero),
        Subject = "Euro \u20AC \U0001F600 \"100%\"",
        DataContentType = "text/plain",
        Data = "hello",
    };

    /// <summary>The header block of one HTTP message read from a raw socket, as lines.</summary>
    private static async Task<string[]> ReadHeadAsync(Stream stream)
    {
        var bytes = new List<byte>();
        var buffer = new byte[1];
        while (!(bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n'))
        {
            if (await stream.ReadAsync(buffer) == 0) throw new IOException("connection closed before the end of the headers");
            bytes.Add(buffer[0]);
        }
        return Encoding.ASCII.GetString([.. bytes]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task A_delivery_leaves_with_only_the_characters_the_binding_lists_percent_encoded()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var received = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var head = await ReadHeadAsync(stream);
            var length = int.Parse(head.Single(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)).Split(':')[1].Trim());
            var body = new byte[length];
            await stream.ReadExactlyAsync(body);
            await stream.WriteAsync("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
            return head;
        });
        using var http = new HttpClient();
        using var response = await http.PostAsync($"http://127.0.0.1:{port}/", CloudEventHttp.ToHttpContent(Sample(), ContentMode.Binary));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var lines = await received;

        Assert.Contains("ce-source: /my/source", lines);
        Assert.Contains("ce-time: 2018-04-05T03:56:24Z", lines);
        Assert.Contains("ce-type: dev.example.created", lines);
        Assert.Contains("ce-id: id%201", lines);
        Assert.Contains("ce-subject: Euro%20%E2%82%AC%20%F0%9F%98%80%20%22100%25%22", lines);
        Assert.Contains("ce-specversion: 1.0", lines);
    }

    [Fact]
    public async Task A_reply_written_by_us_carries_the_same_exact_header_bytes()
    {
        await using var app = await StartAsync(context => CloudEventHttp.WriteAsync(context.Response, Sample(), ContentMode.Binary));
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, app.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST / HTTP/1.1\r\nHost: 127.0.0.1:{app.Port}\r\nContent-Length: 0\r\n\r\n"));
        var lines = await ReadHeadAsync(stream);

        Assert.StartsWith("HTTP/1.1 200", lines[0]);
        Assert.Contains("ce-source: /my/source", lines);
        Assert.Contains("ce-time: 2018-04-05T03:56:24Z", lines);
        Assert.Contains("ce-subject: Euro%20%E2%82%AC%20%F0%9F%98%80%20%22100%25%22", lines);
    }

    [Fact]
    public async Task The_official_sdk_receiver_reads_our_delivery_unaltered()
    {
        var port = FreePort.Next();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var received = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            var cloudEvent = await context.Request.ToCloudEventAsync(new JsonEventFormatter());
            context.Response.StatusCode = 202;
            context.Response.Close();
            return cloudEvent;
        });
        using var http = new HttpClient();
        using var response = await http.PostAsync($"http://127.0.0.1:{port}/", CloudEventHttp.ToHttpContent(Sample(), ContentMode.Binary));
        var got = await received;

        AssertSameAsSample(got);
    }

    [Fact]
    public async Task The_official_sdk_reads_a_reply_we_write_unaltered()
    {
        await using var app = await StartAsync(context => CloudEventHttp.WriteAsync(context.Response, Sample(), ContentMode.Binary));
        using var http = new HttpClient();
        using var response = await http.PostAsync($"http://127.0.0.1:{app.Port}/", new ByteArrayContent([]));
        var got = await response.ToCloudEventAsync(new JsonEventFormatter());

        AssertSameAsSample(got);
    }

    [Fact]
    public async Task What_the_official_sdk_sends_we_read_unaltered()
    {
        // The SDK as a producer (its binary-mode HttpContent), our reader at the other end of a real connection.
        CloudEventReadResult? read = null;
        await using var app = await StartAsync(async context =>
        {
            read = await CloudEventHttp.ReadAsync(context.Request, 1024 * 1024);
            context.Response.StatusCode = 202;
        });
        using var http = new HttpClient();
        using var response = await http.PostAsync($"http://127.0.0.1:{app.Port}/", Sample().ToHttpContent(ContentMode.Binary, new JsonEventFormatter()));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        Assert.Null(read!.Error);
        AssertSameAsSample(read.Event!);
    }

    private static void AssertSameAsSample(CloudEvent got)
    {
        var want = Sample();
        Assert.Equal(want.Id, got.Id);
        Assert.Equal(want.Source, got.Source);
        Assert.Equal("/my/source", got.Source!.ToString());
        Assert.Equal(want.Type, got.Type);
        Assert.Equal(want.Time, got.Time);
        Assert.Equal(want.Subject, got.Subject);
        Assert.Equal("hello", got.Data as string ?? Encoding.UTF8.GetString((byte[])got.Data!));
    }

    private sealed class Host(WebApplication app, int port) : IAsyncDisposable
    {
        public int Port => port;

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }

    private static async Task<Host> StartAsync(RequestDelegate handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Host(app, new Uri(address).Port);
    }
}
