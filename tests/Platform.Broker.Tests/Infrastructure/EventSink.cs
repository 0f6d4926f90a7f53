using System.Collections.Concurrent;
using CloudNative.CloudEvents;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.CloudEvents;

namespace Platform.Broker.Tests.Infrastructure;

/// <summary>One event a sink received, when, and with which request headers.</summary>
public sealed record ReceivedEvent(CloudEvent Event, DateTimeOffset At, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// A subscriber: a real Kestrel app on 127.0.0.1 (port 0) that records every CloudEvent and answers with
/// <c>respond</c> (default: 200, no reply). The n-th call (from 1) is passed for flaky behaviours.
/// </summary>
public sealed class EventSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedEvent> _received = new();
    private int _calls;

    private EventSink(WebApplication app) => _app = app;

    /// <summary>Its URL.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Every event received, in arrival order.</summary>
    public IReadOnlyList<ReceivedEvent> Received => _received.ToList();

    /// <summary>Calls so far.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Starts a sink.</summary>
    public static async Task<EventSink> StartAsync(Func<CloudEvent, int, HttpContext, Task>? respond = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var sink = new EventSink(app);
        app.MapPost("/{**path}", async context =>
        {
            var read = await CloudEventHttp.ReadAsync(context.Request, 4 * 1024 * 1024, context.RequestAborted);
            if (read.Error is { } error)
            {
                context.Response.StatusCode = error.StatusCode;
                return;
            }
            var call = Interlocked.Increment(ref sink._calls);
            sink._received.Enqueue(new ReceivedEvent(read.Event!, DateTimeOffset.UtcNow,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            if (respond is null) context.Response.StatusCode = 200;
            else await respond(read.Event!, call, context);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        sink.Url = new Uri(address.Replace("[::]", "127.0.0.1") + "/");
        return sink;
    }

    /// <summary>Answers 200 with <paramref name="reply"/> as a binary-mode CloudEvent.</summary>
    public static Task ReplyAsync(HttpContext context, CloudEvent reply)
    {
        context.Response.StatusCode = 200;
        return CloudEventHttp.WriteAsync(context.Response, reply, ContentMode.Binary, context.RequestAborted);
    }

    /// <summary>Waits until at least <paramref name="count"/> events arrived; returns them (fails with what came).</summary>
    public async Task<IReadOnlyList<ReceivedEvent>> WaitForAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (_received.Count < count && DateTime.UtcNow < deadline) await Task.Delay(20);
        var got = Received;
        Assert.True(got.Count >= count, $"expected {count} events at {Url}, got {got.Count}: {string.Join(", ", got.Select(g => g.Event.Id + "/" + g.Event.Type))}");
        return got;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(TimeSpan.FromSeconds(1).ToCancellationToken());
        await _app.DisposeAsync();
    }
}

internal static class TimeSpanExtensions
{
    public static CancellationToken ToCancellationToken(this TimeSpan timeout) => new CancellationTokenSource(timeout).Token;
}
