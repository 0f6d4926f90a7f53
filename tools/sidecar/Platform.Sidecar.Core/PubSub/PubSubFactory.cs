using Microsoft.Extensions.Logging;
using Platform.Sidecar.Core.Components;

namespace Platform.Sidecar.Core.PubSub;

/// <summary>Creates pub/sub components from their component files.</summary>
public static class PubSubFactory
{
    /// <summary>True for the pub/sub types the sidecar implements.</summary>
    public static bool IsPubSub(ComponentSpec component) => component.Type.StartsWith("pubsub.", StringComparison.Ordinal);

    /// <summary>The component for <paramref name="component"/>; throws <see cref="ResourceFileException"/> on bad metadata.</summary>
    public static IPubSub Create(ComponentSpec component, ILoggerFactory loggers) => component.Type switch
    {
        "pubsub.redis" => new RedisPubSub(component.Name, RedisPubSubOptions.From(component), loggers.CreateLogger<RedisPubSub>()),
        "pubsub.in-memory" => new InMemoryPubSub(component.Name, loggers.CreateLogger<InMemoryPubSub>()),
        _ => throw new ResourceFileException(component.File, "spec.type", $"component '{component.Name}': pub/sub type '{component.Type}' is not supported"),
    };
}
