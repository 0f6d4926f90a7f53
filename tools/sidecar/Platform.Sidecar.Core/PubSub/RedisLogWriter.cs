using System.Text;
using Microsoft.Extensions.Logging;

namespace Platform.Sidecar.Core.PubSub;

/// <summary>Feeds StackExchange.Redis connection logs into <see cref="ILogger"/> at Debug level.</summary>
internal sealed class RedisLogWriter(ILogger logger, string component) : TextWriter
{
    public override Encoding Encoding => Encoding.UTF8;

    public override void WriteLine(string? value)
    {
        if (value is not null && logger.IsEnabled(LogLevel.Debug)) PubSubLog.RedisConnect(logger, component, value);
    }
}
