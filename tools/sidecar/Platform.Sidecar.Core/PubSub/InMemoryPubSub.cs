using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Platform.Sidecar.Core.PubSub;

/// <summary>
/// <c>pubsub.in-memory</c>: topics inside this sidecar process. Each consumer group has its own queue per topic
/// (every group gets every message, members of one group share it); messages published before any group exists
/// are dropped, as in Dapr's in-memory component.
/// </summary>
internal sealed class InMemoryPubSub(string name, ILogger<InMemoryPubSub> logger, int concurrency = 64) : IPubSub
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, Channel<PubSubMessage>>> _topics = new(StringComparer.Ordinal);
    private long _sequence;

    /// <inheritdoc />
    public string Name { get; } = name;

    /// <inheritdoc />
    public string Type => "pubsub.in-memory";

    /// <inheritdoc />
    public int MaxInFlight => concurrency;

    /// <inheritdoc />
    public Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        if (_topics.TryGetValue(topic, out var groups))
        {
            var message = new PubSubMessage(topic, Interlocked.Increment(ref _sequence).ToString(System.Globalization.CultureInfo.InvariantCulture), payload.ToArray());
            foreach (var queue in groups.Values) queue.Writer.TryWrite(message);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task ConsumeAsync(IReadOnlyList<string> topics, string group, string consumer, MessageHandler handler, CancellationToken cancellationToken)
    {
        PubSubLog.Consuming(logger, Name, string.Join(",", topics), group, consumer);
        var slots = new SemaphoreSlim(concurrency, concurrency);
        var readers = topics.Select(topic =>
        {
            var queue = _topics.GetOrAdd(topic, _ => new(StringComparer.Ordinal))
                .GetOrAdd(group, _ => Channel.CreateUnbounded<PubSubMessage>(new UnboundedChannelOptions { SingleWriter = false }));
            return Task.Run(async () =>
            {
                try
                {
                    await foreach (var message in queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                    {
                        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                        _ = RunAsync(message);
                    }
                }
                catch (OperationCanceledException)
                {
                }
            }, CancellationToken.None);
        }).ToList();
        await Task.WhenAll(readers).ConfigureAwait(false);

        async Task RunAsync(PubSubMessage message)
        {
            try { await handler(message, cancellationToken).ConfigureAwait(false); }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
            catch (Exception e) { PubSubLog.HandlerFailed(logger, Name, message.Topic, message.Id, e); }
            finally { slots.Release(); }
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
