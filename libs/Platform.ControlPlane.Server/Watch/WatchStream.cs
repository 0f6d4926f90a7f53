using System.Buffers;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Platform.ControlPlane.Server.Watch;

/// <summary>
/// Writes a watcher to an HTTP response as Kubernetes does: status 200, chunked, one JSON line per event
/// (<c>{"type":"ADDED","object":{...}}</c>), flushed as soon as no further event is waiting.
/// </summary>
internal static class WatchStream
{
    /// <summary>Streams until the client goes, <paramref name="timeout"/> passes or the watcher closes.</summary>
    public static async Task WriteAsync(HttpContext context, Watcher watcher, TimeSpan? timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        if (timeout is { } t) cts.CancelAfter(t);
        var ct = cts.Token;
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var writer = context.Response.BodyWriter;
        try
        {
            await context.Response.StartAsync(ct);
            var pending = 0;
            foreach (var e in watcher.Initial)
            {
                writer.Write(e.Line);
                if (++pending >= 256)
                {
                    await writer.FlushAsync(ct);
                    pending = 0;
                }
            }
            await writer.FlushAsync(ct);
            var live = watcher.Live;
            while (await live.WaitToReadAsync(ct))
            {
                while (live.TryRead(out var e)) writer.Write(e.Line);
                await writer.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException)
        {
            // Client gone or timeoutSeconds reached: the stream simply ends.
        }
        catch (ChannelClosedException)
        {
        }
    }
}
