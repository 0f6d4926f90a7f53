using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Platform.Sources.Sdk;

namespace GitHubSource.Webhooks;

/// <summary>
/// <c>POST /</c>: a GitHub webhook delivery in, a CloudEvent out to the sink. 401 when the signature is missing or
/// wrong (nothing is sent), 400 when a GitHub header or the payload is missing, 202 when the sink took the event,
/// 502 when it did not after the SDK's retries — so that GitHub shows the delivery as failed and it can be redelivered.
/// </summary>
internal static partial class WebhookEndpoint
{
    /// <summary>GitHub caps webhook payloads at 25 MB.</summary>
    public const int MaxBodyBytes = 25 * 1024 * 1024;

    /// <summary>Maps the webhook receiver at <c>/</c>.</summary>
    public static IEndpointRouteBuilder MapGitHubWebhook(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/", HandleAsync);
        return endpoints;
    }

    private static async Task<IResult> HandleAsync(HttpRequest request, GitHubSourceSettings settings, EventSourceClient client, TimeProvider time,
        ILoggerFactory loggers, CancellationToken cancel)
    {
        var log = loggers.CreateLogger("GitHubSource.Webhook");
        var body = await ReadBodyAsync(request, cancel);
        if (body is null) return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "payload too large", detail: $"the body exceeds {MaxBodyBytes} bytes");

        // The signature first: nothing of an unsigned request is trusted, not even its event name.
        if (WebhookSignature.Check(request.Headers[WebhookSignature.Header].ToString(), body, settings.Secret) is { } refusal)
        {
            LogRefused(log, request.Headers["X-GitHub-Delivery"].ToString(), refusal);
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "signature refused", detail: refusal);
        }
        var gitHubEvent = request.Headers["X-GitHub-Event"].ToString();
        if (gitHubEvent.Length == 0) return BadRequest("X-GitHub-Event is missing");
        var delivery = request.Headers["X-GitHub-Delivery"].ToString();
        if (delivery.Length == 0) return BadRequest("X-GitHub-Delivery is missing");
        var payload = PayloadOf(request.ContentType, body);
        if (payload is null) return BadRequest("a form-encoded delivery must carry the JSON in its payload field");

        var (cloudEvent, error) = GitHubEvents.ToCloudEvent(new WebhookDelivery(gitHubEvent, delivery, payload), settings.Source, time.GetUtcNow());
        if (cloudEvent is null) return BadRequest(error!);
        var result = await client.SendAsync(cloudEvent, cancel);
        if (!result.Delivered)
        {
            LogUndelivered(log, delivery, cloudEvent.Type!, result.Describe());
            return Results.Problem(statusCode: StatusCodes.Status502BadGateway, title: "the sink did not take the event",
                detail: $"{client.Environment.Sink}: {result.Describe()}");
        }
        LogForwarded(log, delivery, cloudEvent.Type!);
        return Results.Text("accepted", statusCode: StatusCodes.Status202Accepted);
    }

    private static IResult BadRequest(string detail) => Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "not a GitHub webhook delivery", detail: detail);

    // The raw bytes, as signed; null when larger than GitHub sends.
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancel)
    {
        if (request.ContentLength > MaxBodyBytes) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancel)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    // A webhook set to "application/x-www-form-urlencoded" in GitHub sends payload=<JSON>; the signature covers the form body.
    private static byte[]? PayloadOf(string? contentType, byte[] body)
    {
        if (contentType is null || !contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)) return body;
        var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));
        return form.TryGetValue("payload", out var json) && json.ToString().Length > 0 ? Encoding.UTF8.GetBytes(json.ToString()) : null;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "delivery {Delivery} refused: {Reason}")]
    private static partial void LogRefused(ILogger log, string delivery, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "delivery {Delivery} sent as {Type}")]
    private static partial void LogForwarded(ILogger log, string delivery, string type);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "delivery {Delivery} ({Type}) not taken by the sink: {Result}")]
    private static partial void LogUndelivered(ILogger log, string delivery, string type, string result);
}
