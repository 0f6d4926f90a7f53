using CloudNative.CloudEvents;
using Platform.Broker.Configuration;
using Platform.Broker.Routing;
using Platform.CloudEvents;

namespace Platform.Broker.Ingress;

/// <summary>
/// The HTTP ingresses: <c>POST /{namespace}/{broker}</c> (Broker) and <c>POST /channels/{namespace}/{channel}</c>
/// (Channel, Sequence and Parallel addresses). 405 for other methods, 404 for an unknown broker or channel, the
/// CloudEvent read errors (400/413/415, naming the attribute), 202 once the pub/sub component accepted the event.
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
        if (await AcceptAsync(context, "broker", (table, key) => table.Brokers.GetValueOrDefault(key)?.Topic) is not var (topic, cloudEvent, resource))
            return;
        var services = context.RequestServices;
        var ttl = BrokerTtl.OnIngress(cloudEvent, services.GetRequiredService<BrokerOptions>().DefaultTtl);
        if (ttl.Error is not null)
        {
            await Problem(context, 400, ttl.Error);
            return;
        }
        if (ttl.Expired)
        {
            services.GetRequiredService<BrokerCounters>().AddTtlDropped();
            await Problem(context, 400, $"attribute '{BrokerTtl.Extension}' is {ttl.Ttl}: the event has expired and was dropped");
            return;
        }
        BrokerTtl.Stamp(cloudEvent, ttl.Ttl, services.GetRequiredService<TimeProvider>().GetUtcNow());
        await PublishAsync(context, topic, CloudEventHttp.Formatter.EncodeStructuredModeMessage(cloudEvent, out _), resource);
    }

    private static async Task HandleChannelAsync(HttpContext context)
    {
        if (await AcceptAsync(context, "channel", (table, key) => table.Channels.GetValueOrDefault(key)?.Topic) is var (topic, cloudEvent, resource))
            await PublishAsync(context, topic, CloudEventHttp.Formatter.EncodeStructuredModeMessage(cloudEvent, out _), resource);
    }

    /// <summary>
    /// What both ingresses check before publishing: POST only (405 with <c>Allow</c>), an addressable the routing table
    /// knows (503 while the first table is not built yet, then 404), and a readable CloudEvent (400/413/415). Null when
    /// the request was answered here.
    /// </summary>
    private static async Task<(string Topic, CloudEvent Event, string Resource)?> AcceptAsync(HttpContext context, string kind,
        Func<RoutingTable, (string, string), string?> topicOf)
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
        var topic = topicOf(routes.Current, (ns, name));
        if (topic is null && !routes.Loaded)
        {
            context.Response.Headers.RetryAfter = "1";
            await Problem(context, 503, "the broker service is starting and has not loaded its resources yet; retry");
            return null;
        }
        if (topic is null)
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
        return (topic, read.Event!, $"{kind} {ns}/{name}");
    }

    private static async Task PublishAsync(HttpContext context, string topic, ReadOnlyMemory<byte> body, string resource)
    {
        var services = context.RequestServices;
        try
        {
            await services.GetRequiredService<EventPublisher>().PublishAsync(topic, body, context.RequestAborted);
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
