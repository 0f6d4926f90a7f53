using Platform.Broker.Configuration;
using Platform.Broker.Routing;

namespace Platform.Broker.Streams;

/// <summary>What a topic's stream does with its events.</summary>
internal enum StreamRole
{
    /// <summary>A Broker's or Channel's topic: copy to trigger or subscription topics.</summary>
    FanOut,
    /// <summary>A Trigger's or Subscription's topic: deliver to the subscriber.</summary>
    Delivery,
}

/// <summary>
/// The running streaming subscriptions, one per topic: <see cref="EnsureAsync"/> opens the missing ones (waiting a
/// little for the sidecar to accept them) and closes those no longer wanted.
/// </summary>
internal sealed partial class StreamHost : IAsyncDisposable
{
    private readonly Dictionary<string, TopicStream> _streams = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly SidecarConnection _sidecar;
    private readonly BrokerOptions _options;
    private readonly EventRouter _router;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>Opens streams over the shared sidecar connection.</summary>
    public StreamHost(SidecarConnection sidecar, BrokerOptions options, EventRouter router, TimeProvider time, ILoggerFactory loggers)
    {
        _time = time;
        _sidecar = sidecar;
        _options = options;
        _router = router;
        _loggers = loggers;
        _logger = loggers.CreateLogger<StreamHost>();
    }

    /// <summary>Raised when a stream was accepted by the sidecar (statuses waiting for it can turn Ready).</summary>
    public event Action? Subscribed;

    /// <summary>True when the stream of <paramref name="topic"/> is open and was accepted by the sidecar.</summary>
    public bool IsSubscribed(string topic)
    {
        lock (_streams) return _streams.TryGetValue(topic, out var s) && s.Subscribed.IsCompletedSuccessfully;
    }

    /// <summary>
    /// Makes the running streams exactly <paramref name="wanted"/>, each delivery stream with the limits of its topic in
    /// <paramref name="limits"/> (applied to running streams too); fan-out streams get <see cref="BrokerOptions.MaxInFlightPerFanOut"/>.
    /// </summary>
    public async Task EnsureAsync(IReadOnlyDictionary<string, StreamRole> wanted, IReadOnlyDictionary<string, Backpressure.DeliveryLimits> limits, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            List<TopicStream> removed;
            var added = new List<TopicStream>();
            lock (_streams)
            {
                removed = _streams.Where(s => !wanted.ContainsKey(s.Key)).Select(s => s.Value).ToList();
                foreach (var s in removed) _streams.Remove(s.Topic);
                foreach (var (topic, role) in wanted)
                {
                    var wantedLimits = limits.GetValueOrDefault(topic)
                        ?? new Backpressure.DeliveryLimits(role == StreamRole.FanOut ? _options.MaxInFlightPerFanOut : _options.MaxInFlightPerSubscriber, null, "default");
                    if (_streams.TryGetValue(topic, out var running))
                    {
                        if (running.Gate.Limits != wantedLimits)
                        {
                            LogLimits(topic, wantedLimits.MaxInFlight, wantedLimits.EventsPerSecond, wantedLimits.Why);
                            running.Gate.Set(wantedLimits);
                        }
                        continue;
                    }
                    var stream = new TopicStream(_sidecar.Client, _options.PubSub, topic, _options.DeadLetterTopic,
                        new Dictionary<string, string> { ["rawPayload"] = "true" },
                        new Backpressure.DeliveryGate(wantedLimits, _time),
                        role == StreamRole.FanOut ? _router.FanOutAsync : _router.DeliverAsync,
                        _sidecar.Headers, _loggers.CreateLogger<TopicStream>());
                    _streams[topic] = stream;
                    added.Add(stream);
                }
            }
            foreach (var s in removed)
            {
                LogClosed(s.Topic);
                await s.DisposeAsync().ConfigureAwait(false);
            }
            foreach (var s in added)
            {
                s.Start();
                _ = s.Subscribed.ContinueWith(_ => Subscribed?.Invoke(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            }
            if (added.Count > 0)
                await Task.WhenAny(Task.WhenAll(added.Select(s => s.Subscribed)), Task.Delay(TimeSpan.FromSeconds(5), cancellationToken)).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        List<TopicStream> all;
        lock (_streams)
        {
            all = [.. _streams.Values];
            _streams.Clear();
        }
        await Task.WhenAll(all.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "topic {Topic}: at most {MaxInFlight} in flight ({Why}), events per second {EventsPerSecond}")]
    private partial void LogLimits(string topic, int maxInFlight, double? eventsPerSecond, string why);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "closed the subscription of topic {Topic}")]
    private partial void LogClosed(string topic);
}
