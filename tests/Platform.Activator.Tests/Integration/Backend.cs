using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.Activator.Tests.Integration;

/// <summary>A tiny revision replica on a free loopback port that reports who it is and what it saw.</summary>
public sealed class Backend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _current;
    private int _max;
    private int _aborted;

    private Backend(WebApplication app, string name)
    {
        _app = app;
        Name = name;
    }

    /// <summary>Identity returned by <c>/</c>.</summary>
    public string Name { get; }

    /// <summary><c>127.0.0.1:port</c>.</summary>
    public string Endpoint { get; private set; } = "";

    /// <summary><c>/gate</c> requests wait for this.</summary>
    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary><c>/gate</c> requests in progress.</summary>
    public int Current => Volatile.Read(ref _current);

    /// <summary>Most <c>/gate</c> requests ever in progress at once.</summary>
    public int MaxConcurrent => Volatile.Read(ref _max);

    /// <summary><c>/gate</c> and <c>/slow</c> requests whose caller went away.</summary>
    public int Aborted => Volatile.Read(ref _aborted);

    /// <summary>Starts a backend named <paramref name="name"/>.</summary>
    public static async Task<Backend> StartAsync(string name)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var backend = new Backend(app, name);
        app.UseWebSockets();
        app.MapGet("/", () => name);
        app.MapGet("/whoami", (HttpRequest r) => new Dictionary<string, string?>
        {
            ["name"] = name,
            ["host"] = r.Host.Value,
            ["protocol"] = r.Protocol,
            ["forwardedFor"] = r.Headers["X-Forwarded-For"],
            ["forwardedProto"] = r.Headers["X-Forwarded-Proto"],
            ["forwardedHost"] = r.Headers["X-Forwarded-Host"],
            ["proxy"] = r.Headers["K-Proxy-Request"],
        });
        app.MapGet("/gate", async (HttpContext c) =>
        {
            var now = Interlocked.Increment(ref backend._current);
            int seen;
            while ((seen = Volatile.Read(ref backend._max)) < now && Interlocked.CompareExchange(ref backend._max, now, seen) != seen) { }
            try
            {
                await backend.Gate.Task.WaitAsync(c.RequestAborted);
                return Results.Text(name);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref backend._aborted);
                return Results.Empty;
            }
            finally
            {
                Interlocked.Decrement(ref backend._current);
            }
        });
        app.MapGet("/slow", async (int ms, HttpContext c) =>
        {
            try { await Task.Delay(ms, c.RequestAborted); }
            catch (OperationCanceledException) { Interlocked.Increment(ref backend._aborted); }
            return name;
        });
        // Headers after `first` ms, then `count` chunks of "x\n" `gap` ms apart: a replica slow to start or to go on.
        app.MapGet("/trickle", async (int first, int gap, int count, HttpContext c) =>
        {
            try
            {
                await Task.Delay(first, c.RequestAborted);
                c.Response.ContentType = "text/plain";
                await c.Response.StartAsync(c.RequestAborted);
                for (var i = 0; i < count; i++)
                {
                    if (i > 0) await Task.Delay(gap, c.RequestAborted);
                    await c.Response.WriteAsync("x\n", c.RequestAborted);
                    await c.Response.Body.FlushAsync(c.RequestAborted);
                }
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref backend._aborted);
            }
        });
        app.MapPost("/echo", async (HttpRequest r) =>
        {
            using var ms = new MemoryStream();
            await r.Body.CopyToAsync(ms);
            return ms.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        });
        app.Map("/ws", async (HttpContext c) =>
        {
            if (!c.WebSockets.IsWebSocketRequest) { c.Response.StatusCode = 400; return; }
            using var ws = await c.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[4096];
            while (true)
            {
                var got = await ws.ReceiveAsync(buffer, c.RequestAborted);
                if (got.MessageType == WebSocketMessageType.Close)
                {
                    await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", c.RequestAborted);
                    return;
                }
                await ws.SendAsync(buffer.AsMemory(0, got.Count), got.MessageType, got.EndOfMessage, c.RequestAborted);
            }
        });
        app.MapFallback((HttpRequest r) => $"{name} at {r.Path}");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        backend.Endpoint = new Uri(address).Authority;
        return backend;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Gate.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
