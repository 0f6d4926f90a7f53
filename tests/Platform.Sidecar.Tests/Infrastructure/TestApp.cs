using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Testing;

namespace Platform.Sidecar.Tests.Infrastructure;

/// <summary>One delivery the app received: the route, the raw request (before CloudEvent unwrapping) and headers.</summary>
public sealed record Received(string Path, string ContentType, byte[] RawBody, string? ApiToken)
{
    /// <summary>The CloudEvent as JSON (when the request was one).</summary>
    public JsonElement Envelope => JsonDocument.Parse(RawBody).RootElement;
}

/// <summary>
/// An app using Dapr.AspNetCore as our services do (<c>UseCloudEvents</c>, <c>MapSubscribeHandler</c>,
/// <c>WithTopic</c>) on a free loopback port; it records every request it receives.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApp(WebApplication app, int port, ConcurrentQueue<Received> received)
    {
        _app = app;
        Port = port;
        Received = received;
    }

    /// <summary>The app's port.</summary>
    public int Port { get; }

    /// <summary>Every request received, in order.</summary>
    public ConcurrentQueue<Received> Received { get; }

    /// <summary>Requests received on <paramref name="path"/>.</summary>
    public IReadOnlyList<Received> On(string path) => Received.Where(r => r.Path == path).ToList();

    /// <summary>Starts an app; <paramref name="map"/> adds its endpoints.</summary>
    public static async Task<TestApp> StartAsync(Action<WebApplication> map)
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        builder.Services.AddDaprClient();
        var app = builder.Build();
        var received = new ConcurrentQueue<Received>();
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/dapr")) { await next(context); return; }
            context.Request.EnableBuffering();
            using var ms = new MemoryStream();
            await context.Request.Body.CopyToAsync(ms);
            context.Request.Body.Position = 0;
            received.Enqueue(new Received(context.Request.Path.Value!.TrimStart('/'), context.Request.ContentType ?? "", ms.ToArray(), context.Request.Headers["dapr-api-token"].FirstOrDefault()));
            await next(context);
        });
        app.UseCloudEvents();
        app.MapSubscribeHandler();
        map(app);
        await app.StartAsync();
        return new TestApp(app, port, received);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Polling helpers for asynchronous delivery.</summary>
public static class Eventually
{
    /// <summary>Waits until <paramref name="condition"/> holds (or fails after <paramref name="timeoutSeconds"/>).</summary>
    public static async Task HoldsAsync(Func<bool> condition, string what, int timeoutSeconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("timed out waiting for: " + what);
            await Task.Delay(25);
        }
    }
}
