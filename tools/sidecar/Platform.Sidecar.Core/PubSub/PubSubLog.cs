using Microsoft.Extensions.Logging;

namespace Platform.Sidecar.Core.PubSub;

internal static partial class PubSubLog
{
    [LoggerMessage(2001, LogLevel.Information, "pubsub {Component}: consuming {Topics} as group {Group}, consumer {Consumer}")]
    public static partial void Consuming(ILogger logger, string component, string topics, string group, string consumer);

    [LoggerMessage(2002, LogLevel.Warning, "pubsub {Component}: read from Redis failed, retrying")]
    public static partial void ReadFailed(ILogger logger, string component, Exception exception);

    [LoggerMessage(2003, LogLevel.Information, "pubsub {Component}: reclaimed {Count} pending message(s) of topic {Topic} idle longer than {Idle}")]
    public static partial void Reclaimed(ILogger logger, string component, int count, string topic, TimeSpan idle);

    [LoggerMessage(2004, LogLevel.Warning, "pubsub {Component}: reclaim on topic {Topic} failed")]
    public static partial void ReclaimFailed(ILogger logger, string component, string topic, Exception exception);

    [LoggerMessage(2005, LogLevel.Error, "pubsub {Component}: handler for topic {Topic} message {MessageId} failed; left pending for redelivery")]
    public static partial void HandlerFailed(ILogger logger, string component, string topic, string messageId, Exception exception);

    [LoggerMessage(2007, LogLevel.Debug, "pubsub {Component}: redis: {Line}")]
    public static partial void RedisConnect(ILogger logger, string component, string line);

    [LoggerMessage(2006, LogLevel.Warning, "pubsub {Component}: message {MessageId} on topic {Topic} has no data field, acknowledged")]
    public static partial void NoData(ILogger logger, string component, string topic, string messageId);
}
