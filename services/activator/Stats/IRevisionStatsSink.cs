using System.Collections.Concurrent;
using Dapr.Client;

namespace Platform.Activator.Stats;

/// <summary>Where the per-interval stats go (the autoscaler, through Dapr pub/sub).</summary>
public interface IRevisionStatsSink
{
    /// <summary>Delivers one batch; called once per interval when any revision has something to report.</summary>
    Task ReportAsync(StatsBatch batch, CancellationToken cancellationToken);
}

/// <summary>Publishes each batch as one event on Dapr pub/sub (<c>pubsub</c> / <c>autoscaler-stats</c> by default).</summary>
public sealed class DaprStatsSink(DaprClient dapr, ActivatorOptions options) : IRevisionStatsSink
{
    /// <inheritdoc />
    public Task ReportAsync(StatsBatch batch, CancellationToken cancellationToken) =>
        dapr.PublishEventAsync(options.PubSubName, options.StatsTopic, batch, cancellationToken);
}

/// <summary>Keeps the batches in memory; for tests.</summary>
public sealed class InMemoryStatsSink : IRevisionStatsSink
{
    private readonly ConcurrentQueue<StatsBatch> _batches = new();

    /// <summary>Batches received so far, oldest first.</summary>
    public IReadOnlyCollection<StatsBatch> Batches => _batches;

    /// <inheritdoc />
    public Task ReportAsync(StatsBatch batch, CancellationToken cancellationToken)
    {
        _batches.Enqueue(batch);
        return Task.CompletedTask;
    }
}
