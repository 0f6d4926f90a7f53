namespace Platform.Sidecar.Hosting;

/// <summary>The sidecar's log events, with stable ids; each names the app, topic or component concerned.</summary>
internal static partial class SidecarLog
{
    [LoggerMessage(3001, LogLevel.Information, "app {AppId}: sidecar up, HTTP :{HttpPort}, gRPC :{GrpcPort}, components: {Components}")]
    public static partial void Started(ILogger logger, string appId, int httpPort, int grpcPort, string components);

    [LoggerMessage(3002, LogLevel.Information, "app {AppId}: app channel open at {AppUrl}")]
    public static partial void AppChannelOpen(ILogger logger, string appId, Uri appUrl);

    [LoggerMessage(3003, LogLevel.Information, "app {AppId}: subscribed to {PubSub}/{Topic} ({Kind}, dead-letter: {DeadLetterTopic}, delivery: {Delivery})")]
    public static partial void Subscribed(ILogger logger, string appId, string pubSub, string topic, string kind, string? deadLetterTopic, string delivery);

    [LoggerMessage(3004, LogLevel.Warning, "app {AppId}: subscription problem: {Problem}")]
    public static partial void SubscriptionProblem(ILogger logger, string appId, string problem);

    [LoggerMessage(3005, LogLevel.Warning, "app {AppId}: GET /dapr/subscribe failed; no programmatic subscriptions")]
    public static partial void SubscribeListFailed(ILogger logger, string appId, Exception exception);

    [LoggerMessage(3010, LogLevel.Debug, "app {AppId}: message {MessageId} on {PubSub}/{Topic} matched no route; dropped")]
    public static partial void NoRoute(ILogger logger, string appId, string pubSub, string topic, string messageId);

    [LoggerMessage(3011, LogLevel.Warning, "app {AppId}: message {MessageId} on {PubSub}/{Topic} dropped by the app ({Reason})")]
    public static partial void Dropped(ILogger logger, string appId, string pubSub, string topic, string messageId, string reason);

    [LoggerMessage(3012, LogLevel.Information, "app {AppId}: message {MessageId} on {PubSub}/{Topic} sent to dead-letter topic {DeadLetterTopic}")]
    public static partial void DeadLettered(ILogger logger, string appId, string pubSub, string topic, string messageId, string deadLetterTopic);

    [LoggerMessage(3013, LogLevel.Error, "app {AppId}: message {MessageId} on {PubSub}/{Topic} failed after {Attempts} attempt(s) and has no dead-letter topic; acknowledged and lost")]
    public static partial void RetriesExhausted(ILogger logger, string appId, string pubSub, string topic, string messageId, int attempts);

    [LoggerMessage(3014, LogLevel.Debug, "app {AppId}: delivery of {MessageId} on {PubSub}/{Topic} to /{Route} failed, retry {Retry} in {Delay}")]
    public static partial void Retrying(ILogger logger, string appId, string pubSub, string topic, string messageId, string route, int retry, TimeSpan delay);

    [LoggerMessage(3015, LogLevel.Warning, "app {AppId}: message {MessageId} on {PubSub}/{Topic} expired; dropped")]
    public static partial void Expired(ILogger logger, string appId, string pubSub, string topic, string messageId);

    [LoggerMessage(3016, LogLevel.Error, "app {AppId}: publishing message {MessageId} to dead-letter topic {PubSub}/{DeadLetterTopic} failed")]
    public static partial void DeadLetterFailed(ILogger logger, string appId, string pubSub, string deadLetterTopic, string messageId, Exception exception);

    [LoggerMessage(3020, LogLevel.Warning, "app {AppId}: publish to {PubSub}/{Topic} failed, retry {Retry} in {Delay}")]
    public static partial void PublishRetry(ILogger logger, string appId, string pubSub, string topic, int retry, TimeSpan delay, Exception exception);

    [LoggerMessage(3030, LogLevel.Warning, "app {AppId}: invocation of {TargetAppId} failed: {Error}")]
    public static partial void InvokeFailed(ILogger logger, string appId, string targetAppId, string error);
}
