using CloudNative.CloudEvents;
using Platform.Broker.Configuration;
using Platform.Broker.Routing;
using Platform.CloudEvents;

namespace Platform.Broker.Ingress;

/// <summary>
/// The HTTP ingresses: <c>POST /{namespace}/{broker}</c> (Broker) and <c>POST /channels/{namespace}/{channel}</c>
/// (Channel, Sequence and Parallel addresses). 405 for other methods, 404 for an unknown broker or channel, the
/// CloudEvent read errors (400/413/415, naming the attribute), 202 once the pub/sub component accepted a copy for
/// every matching trigger (or every subscription of the channel).
/// </summary>
internal static partial class IngressEndpoints
{
    /// <summary>Maps both ingresses and <c>GET /counters</c>.</summary>
    public static WebApplication MapIngress(this WebApplication app)
    {
        app.MapGet("/counters", (BrokerCounters counters) => Results.Json(counters.ToJson()));
        app.Map("/channels/{ns}/{name}", (RequestDelegate)(context => HandleChannelAsync(context)));
        app.Map("/{ns}/{name}", (RequestDelegate)(context => HandleBrokerAsync(context)));
        return app;
    }

    private static async Task HandleBrokerAsync(HttpContext context)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        string? eventType = null;
        try
        {
            eventType = await AcceptBrokerEventAsync(context);
        }
        finally
        {
            context.RequestServices.GetService<Telemetry.BrokerTelemetry>()?.Ingress((string)context.Request.RouteValues["ns"]!,
                (string)context.Request.RouteValues["name"]!, eventType, context.Response.StatusCode, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>The broker ingress; returns the event's type once it was read (for the metrics), else null.</summary>
    private static async Task<string?> AcceptBrokerEventAsync(HttpContext context)
    {
        if (await AcceptAsync(context, "broker", (table, key) => table.Brokers.GetValueOrDefault(key)) is not var (broker, cloudEvent, resource))
            return null;
        var services = context.RequestServices;
        var ttl = BrokerTtl.OnIngress(cloudEvent, services.GetRequiredService<BrokerOptions>().DefaultTtl);
        if (ttl.Error is not null)
        {
            await Problem(context, 400, ttl.Error);
            return cloudEvent.Type;
        }
        if (ttl.Expired)
        {
            services.GetRequiredService<BrokerCounters>().AddTtlDropped();
            await Problem(context, 400, $"attribute '{BrokerTtl.Extension}' is {ttl.Ttl}: the event has expired and was dropped");
            return cloudEvent.Type;
        }
        BrokerTtl.Stamp(cloudEvent, ttl.Ttl, services.GetRequiredService<TimeProvider>().GetUtcNow());
        Telemetry.BrokerTelemetry.StampIngress(cloudEvent, context.Request.Headers.TraceParent);
        var router = services.GetRequiredService<EventRouter>();
        // Filtered here, then one copy per matching trigger straight onto its topic: no broker topic in between.
        await PublishAsync(context, resource, broker.Topic, ct => router.RouteAsync(broker, cloudEvent, Structured(cloudEvent), ct));
        return cloudEvent.Type;
    }

    private static async Task HandleChannelAsync(HttpContext context)
    {
        if (await AcceptAsync(context, "channel", (table, key) => table.Channels.GetValueOrDefault(key)) is var (channel, cloudEvent, resource))
        {
            Telemetry.BrokerTelemetry.StampIngress(cloudEvent, context.Request.Headers.TraceParent);
            var router = context.RequestServices.GetRequiredService<EventRouter>();
            await PublishAsync(context, resource, channel.Topic, ct => router.RouteAsync(channel, Structured(cloudEvent), ct));
        }
    }

    private static Google.Protobuf.ByteString Structured(CloudEvent cloudEvent) =>
        Google.Protobuf.UnsafeByteOperations.UnsafeWrap(CloudEventHttp.Formatter.EncodeStructuredModeMessage(cloudEvent, out _));

    /// <summary>
    /// What both ingresses check before publishing: POST only (405 with <c>Allow</c>), an addressable the routing table
    /// knows (503 while the first table is not built yet, then 404), and a readable CloudEvent (400/413/415). Null when
    /// the request was answered here.
    /// </summary>
    private static async Task<(TRoute Route, CloudEvent Event, string Resource)?> AcceptAsync<TRoute>(HttpContext context, string kind,
        Func<RoutingTable, (string, string), TRoute?> routeOf) where TRoute : class
    {
        var services = context.RequestServices;
        var ns = (string)context.Request.RouteValues["ns"]!;
        var name = (string)context.Request.RouteValues["name"]!;
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.Headers.Allow = "POST";
            await Problem(context, 405, $"method {context.Request.Method} is not allowed: POST CloudEvents to a {kind}");
            return null;
        }
        var routes = services.GetRequiredService<Routes>();
        var route = routeOf(routes.Current, (ns, name));
        if (route is null && !routes.Loaded)
        {
            context.Response.Headers.RetryAfter = "1";
            await Problem(context, 503, "the broker service is starting and has not loaded its resources yet; retry");
            return null;
        }
        if (route is null)
        {
            await Problem(context, 404, $"{kind} {ns}/{name} not found");
            return null;
        }
        var read = await CloudEventHttp.ReadAsync(context.Request, services.GetRequiredService<BrokerOptions>().MaxEventBytes, context.RequestAborted);
        if (read.Error is { } error)
        {
            await Problem(context, error.StatusCode, error.Reason);
            return null;
        }
        return (route, read.Event!, $"{kind} {ns}/{name}");
    }

    /// <summary>Runs the routing of an accepted event: 202 once every copy was accepted by the pub/sub component, 503 otherwise.</summary>
    private static async Task PublishAsync(HttpContext context, string resource, string topic, Func<CancellationToken, Task> route)
    {
        var services = context.RequestServices;
        try
        {
            await route(context.RequestAborted);
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            LogPublishFailed(services.GetRequiredService<ILoggerFactory>().CreateLogger("Platform.Broker.Ingress"), resource, topic, e.Message);
            await Problem(context, 503, $"{resource}: the pub/sub component did not accept the event: {e.Message}");
            return;
        }
        services.GetRequiredService<BrokerCounters>().AddAccepted();
        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    private static Task Problem(HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { type = "about:blank", title = ReasonPhrases(status), status, detail }, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", context.RequestAborted);
    }

    private static string ReasonPhrases(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "{Resource}: publishing to topic {Topic} failed: {Error}")]
    private static partial void LogPublishFailed(ILogger logger, string resource, string topic, string error);
}
