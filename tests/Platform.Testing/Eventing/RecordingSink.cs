using System.Collections.Concurrent;
using CloudNative.CloudEvents;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.CloudEvents;

namespace Platform.Testing.Eventing;

/// <summary>One event a sink received, when, and with which request headers.</summary>
/// <param name="Event">The CloudEvent.</param>
/// <param name="At">When it arrived.</param>
/// <param name="Headers">The request's headers.</param>
public sealed record SinkDelivery(CloudEvent Event, DateTimeOffset At, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// A real event receiver for tests: Kestrel on a free loopback port that reads every CloudEvent POSTed to any path
/// (binary or structured) and answers with <c>respond</c> (default 200). The n-th call (from 1) is passed to
/// <c>respond</c> for flaky behaviours. The shared sink of source and eventing tests.
/// </summary>
public sealed class RecordingSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<SinkDelivery> _received = new();
    private int _calls;

    private RecordingSink(WebApplication app) => _app = app;

    /// <summary>Its URL (ends with a slash).</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Every event taken (not the refused ones), in arrival order.</summary>
    public IReadOnlyList<SinkDelivery> Received => [.. _received];

    /// <summary>Requests so far, answered or refused.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>
    /// Starts a sink; <paramref name="respond"/> gets the event and the call number and returns the status to answer
    /// (an event answered with a non-2xx status is not recorded).
    /// </summary>
    public static async Task<RecordingSink> StartAsync(Func<CloudEvent, int, int>? respond = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var sink = new RecordingSink(app);
        app.MapPost("/{**path}", async context =>
        {
            var read = await CloudEventHttp.ReadAsync(context.Request, 4 * 1024 * 1024, context.RequestAborted);
            var call = Interlocked.Increment(ref sink._calls);
            if (read.Error is { } error)
            {
                context.Response.StatusCode = error.StatusCode;
                return;
            }
            var status = respond?.Invoke(read.Event!, call) ?? 200;
            if (status is >= 200 and <= 299)
                sink._received.Enqueue(new SinkDelivery(read.Event!, DateTimeOffset.UtcNow,
                    context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            context.Response.StatusCode = status;
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        sink.Url = new Uri(address + "/");
        return sink;
    }

    /// <summary>Waits until at least <paramref name="count"/> events arrived; returns them, or fails listing what came.</summary>
    public async Task<IReadOnlyList<SinkDelivery>> WaitForAsync(int count, TimeSpan timeout, Func<SinkDelivery, bool>? where = null)
    {
        IReadOnlyList<SinkDelivery> Matching() => [.. _received.Where(d => where?.Invoke(d) ?? true)];
        try
        {
            await Condition.UntilAsync(() => Matching().Count >= count, timeout, $"{count} events at {Url}");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; got {Matching().Count}: {string.Join(", ", Matching().Select(d => $"{d.Event.Type}/{d.Event.Id}"))}", e);
        }
        return Matching();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}
