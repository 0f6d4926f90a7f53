using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Platform.Sidecar.Core.Components;
using StackExchange.Redis;

namespace Platform.Sidecar.Core.PubSub;

/// <summary>Settings of a <c>pubsub.redis</c> component (names and defaults as in Dapr).</summary>
/// <param name="Configuration">How to reach Redis (redisHost, redisUsername, redisPassword, redisDB, enableTLS).</param>
/// <param name="ConsumerGroup">consumerID: the consumer group; defaults to the app-id.</param>
/// <param name="ProcessingTimeout">processingTimeout (15s): a pending message idle this long is reclaimed.</param>
/// <param name="RedeliverInterval">redeliverInterval (60s): how often pending messages are checked; 0 disables.</param>
/// <param name="QueueDepth">queueDepth (100): messages per XREADGROUP.</param>
/// <param name="Concurrency">concurrency (10): messages in flight to the app.</param>
/// <param name="MaxLenApprox">maxLenApprox: XADD MAXLEN ~ bound, or null.</param>
internal sealed record RedisPubSubOptions(
    ConfigurationOptions Configuration,
    string? ConsumerGroup,
    TimeSpan ProcessingTimeout,
    TimeSpan RedeliverInterval,
    int QueueDepth,
    int Concurrency,
    long? MaxLenApprox)
{
    /// <summary>Reads the options from a component's metadata; errors name the field.</summary>
    public static RedisPubSubOptions From(ComponentSpec component) => new(
        RedisConnection.Options(component),
        component.Get("consumerID") is { Length: > 0 } g ? g : null,
        Duration(component, "processingTimeout", TimeSpan.FromSeconds(15)),
        Duration(component, "redeliverInterval", TimeSpan.FromSeconds(60)),
        Int(component, "queueDepth", 100),
        Int(component, "concurrency", 10),
        component.Get("maxLenApprox") is { Length: > 0 } m
            ? long.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out var max) ? max : throw Bad(component, "maxLenApprox", m)
            : null);

    private static TimeSpan Duration(ComponentSpec c, string key, TimeSpan fallback) =>
        c.Get(key) is { Length: > 0 } text ? GoDuration.TryParse(text, out var v) ? v : throw Bad(c, key, text) : fallback;

    private static int Int(ComponentSpec c, string key, int fallback) =>
        c.Get(key) is { Length: > 0 } text
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : throw Bad(c, key, text)
            : fallback;

    private static ResourceFileException Bad(ComponentSpec c, string key, string value) =>
        new(c.File, $"spec.metadata.{key}", $"component '{c.Name}': '{value}' is not valid");
}

/// <summary>Builds StackExchange.Redis options from Dapr's Redis metadata.</summary>
internal static class RedisConnection
{
    /// <summary>Options for redisHost, redisUsername, redisPassword, redisDB, enableTLS.</summary>
    public static ConfigurationOptions Options(ComponentSpec component)
    {
        // RESP2: blocking XREADGROUP answers are parsed as arrays.
        var options = new ConfigurationOptions { AbortOnConnectFail = false, ClientName = "platform-sidecar", Protocol = RedisProtocol.Resp2 };
        options.EndPoints.Add(component.Get("redisHost")!);
        if (component.Get("redisUsername") is { Length: > 0 } user) options.User = user;
        if (component.Get("redisPassword") is { Length: > 0 } password) options.Password = password;
        if (component.Get("redisDB") is { Length: > 0 } db)
            options.DefaultDatabase = int.TryParse(db, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                ? n : throw new ResourceFileException(component.File, "spec.metadata.redisDB", $"'{db}' is not a number");
        if (bool.TryParse(component.Get("enableTLS"), out var tls)) options.Ssl = tls;
        return options;
    }
}

/// <summary>
/// <c>pubsub.redis</c> over Redis streams with Dapr's layout: <c>XADD {topic} [MAXLEN ~ n] * data {bytes}</c>,
/// consumer group per app-id created with <c>XGROUP CREATE {topic} {group} 0 MKSTREAM</c>, <c>XREADGROUP</c> with
/// COUNT = queueDepth and BLOCK, <c>XACK</c> after the outcome, and <c>XAUTOCLAIM</c> of messages pending longer
/// than processingTimeout every redeliverInterval.
/// </summary>
internal sealed class RedisPubSub : IPubSub
{
    private static readonly RedisValue DataField = "data";
    private const int BlockMilliseconds = 1000;
    private readonly RedisPubSubOptions _options;
    private readonly ILogger _logger;
    private readonly Lazy<Task<ConnectionMultiplexer>> _writer;
    private readonly List<ConnectionMultiplexer> _readers = [];

    /// <summary>Creates the component; connects lazily.</summary>
    public RedisPubSub(string name, RedisPubSubOptions options, ILogger<RedisPubSub> logger)
    {
        Name = name;
        _options = options;
        _logger = logger;
        _writer = new(() => Task.Run(() => ConnectionMultiplexer.ConnectAsync(options.Configuration.Clone(), new RedisLogWriter(logger, name))));
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public string Type => "pubsub.redis";

    /// <inheritdoc />
    public int MaxInFlight => _options.Concurrency;

    /// <inheritdoc />
    public async Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        var db = (await _writer.Value.ConfigureAwait(false)).GetDatabase();
        await db.StreamAddAsync(topic, DataField, payload, maxLength: _options.MaxLenApprox, useApproximateMaxLength: _options.MaxLenApprox is not null)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task ConsumeAsync(IReadOnlyList<string> topics, string group, string consumer, MessageHandler handler, CancellationToken cancellationToken)
    {
        if (topics.Count == 0) return;
        group = _options.ConsumerGroup ?? group;
        var writer = await _writer.Value.ConfigureAwait(false);
        var db = writer.GetDatabase();
        foreach (var topic in topics) await CreateGroupAsync(db, topic, group).ConfigureAwait(false);

        // Blocking XREADGROUP holds its connection, so reads get a connection of their own.
        var readOptions = _options.Configuration.Clone();
        readOptions.AsyncTimeout = readOptions.SyncTimeout = BlockMilliseconds + 10_000;
        var reader = await ConnectionMultiplexer.ConnectAsync(readOptions, new RedisLogWriter(_logger, Name)).ConfigureAwait(false);
        lock (_readers) _readers.Add(reader);
        PubSubLog.Consuming(_logger, Name, string.Join(",", topics), group, consumer);

        var consumption = new Consumption(this, db, group, handler, _options.Concurrency, cancellationToken);
        var reclaim = _options.RedeliverInterval > TimeSpan.Zero
            ? Task.Run(() => ReclaimLoopAsync(consumption, topics, consumer, cancellationToken), CancellationToken.None)
            : Task.CompletedTask;

        var args = new List<object> { "GROUP", group, consumer, "COUNT", _options.QueueDepth, "BLOCK", BlockMilliseconds, "STREAMS" };
        args.AddRange(topics);
        args.AddRange(topics.Select(_ => (object)">"));
        var readArgs = args.ToArray();
        var readDb = reader.GetDatabase();
        while (!cancellationToken.IsCancellationRequested)
        {
            RedisResult result;
            try
            {
                result = await readDb.ExecuteAsync("XREADGROUP", readArgs).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException or InvalidOperationException)
            {
                if (cancellationToken.IsCancellationRequested) break;
                if (e is RedisServerException rse && rse.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
                    foreach (var topic in topics) await CreateGroupAsync(db, topic, group).ConfigureAwait(false);
                else PubSubLog.ReadFailed(_logger, Name, e);
                await Task.Delay(200, CancellationToken.None).ConfigureAwait(false);
                continue;
            }
            if (result.IsNull || result.Resp2Type != ResultType.Array) continue;
            if (!await DispatchAllAsync(result, consumption, db, group).ConfigureAwait(false)) break;
        }
        await consumption.DrainAsync().ConfigureAwait(false);
        await reclaim.ConfigureAwait(false);
    }

    /// <summary>Dispatches every entry of an XREADGROUP answer; false when stopping.</summary>
    private async Task<bool> DispatchAllAsync(RedisResult result, Consumption consumption, IDatabase db, string group)
    {
        foreach (var stream in (RedisResult[])result!)
        {
            var parts = (RedisResult[])stream!;
            var topic = (string)parts[0]!;
            foreach (var entry in (RedisResult[])parts[1]!)
            {
                var pair = (RedisResult[])entry!;
                var id = (string)pair[0]!;
                var fields = pair[1].IsNull ? [] : (RedisResult[])pair[1]!;
                ReadOnlyMemory<byte> data = default;
                var found = false;
                for (var i = 0; i + 1 < fields.Length; i += 2)
                {
                    if ((string?)fields[i] == "data") { data = (byte[])fields[i + 1]!; found = true; break; }
                }
                if (!found) { PubSubLog.NoData(_logger, Name, topic, id); db.StreamAcknowledge(topic, group, id, CommandFlags.FireAndForget); continue; }
                if (!await consumption.DispatchAsync(new PubSubMessage(topic, id, data)).ConfigureAwait(false)) return false;
            }
        }
        return true;
    }

    private async Task ReclaimLoopAsync(Consumption consumption, IReadOnlyList<string> topics, string consumer, CancellationToken cancellationToken)
    {
        var idleMs = (long)_options.ProcessingTimeout.TotalMilliseconds;
        while (!cancellationToken.IsCancellationRequested)
        {
            try { await Task.Delay(_options.RedeliverInterval, cancellationToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            foreach (var topic in topics)
            {
                try
                {
                    RedisValue start = "0-0";
                    var claimed = 0;
                    do
                    {
                        var result = await consumption.Db.StreamAutoClaimAsync(topic, consumption.Group, consumer, idleMs, start, _options.QueueDepth).ConfigureAwait(false);
                        foreach (var entry in result.ClaimedEntries)
                        {
                            var id = (string)entry.Id!;
                            if (consumption.IsInFlight(id)) continue;
                            var data = entry[DataField];
                            if (data.IsNull) { consumption.Db.StreamAcknowledge(topic, consumption.Group, id, CommandFlags.FireAndForget); continue; }
                            claimed++;
                            if (!await consumption.DispatchAsync(new PubSubMessage(topic, id, (byte[])data!)).ConfigureAwait(false)) return;
                        }
                        start = result.NextStartId;
                    }
                    while (start != "0-0" && !cancellationToken.IsCancellationRequested);
                    if (claimed > 0) PubSubLog.Reclaimed(_logger, Name, claimed, topic, _options.ProcessingTimeout);
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    PubSubLog.ReclaimFailed(_logger, Name, topic, e);
                }
            }
        }
    }

    private static async Task CreateGroupAsync(IDatabase db, string topic, string group)
    {
        try
        {
            await db.StreamCreateConsumerGroupAsync(topic, group, "0", createStream: true).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.Contains("BUSYGROUP", StringComparison.Ordinal))
        {
            // The group exists already: another replica or an earlier run created it.
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        List<ConnectionMultiplexer> readers;
        lock (_readers) readers = [.. _readers];
        foreach (var r in readers) await r.DisposeAsync().ConfigureAwait(false);
        if (_writer.IsValueCreated && _writer.Value.IsCompletedSuccessfully) await _writer.Value.Result.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Messages in flight for one consumer: bounded by concurrency, acknowledged after the handler.</summary>
    private sealed class Consumption(RedisPubSub owner, IDatabase db, string group, MessageHandler handler, int concurrency, CancellationToken cancellationToken)
    {
        private readonly SemaphoreSlim _slots = new(concurrency, concurrency);
        private readonly ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);
        private readonly ConcurrentQueue<(string Topic, string Id)> _acks = new();
        private int _flushing;

        public IDatabase Db => db;
        public string Group => group;

        public bool IsInFlight(string id) => _inFlight.ContainsKey(id);

        public async ValueTask<bool> DispatchAsync(PubSubMessage message)
        {
            try { await _slots.WaitAsync(cancellationToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { return false; }
            if (!_inFlight.TryAdd(message.Id, 0)) { _slots.Release(); return true; }
            _ = RunAsync(message);
            return true;
        }

        private async Task RunAsync(PubSubMessage message)
        {
            try
            {
                await handler(message, cancellationToken).ConfigureAwait(false);
                Acknowledge(message.Topic, message.Id);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopping: leave the message pending so that another consumer reclaims it.
            }
            catch (Exception e)
            {
                // As daprd's redis component: no XACK on a handler error, so the message stays pending and is
                // reclaimed after processingTimeout (at-least-once; a broken app stream must not lose it).
                PubSubLog.HandlerFailed(owner._logger, owner.Name, message.Topic, message.Id, e);
            }
            finally
            {
                _inFlight.TryRemove(message.Id, out _);
                _slots.Release();
            }
        }

        /// <summary>
        /// Queues an XACK. Acks are sent by one flusher at a time, each flush one XACK per topic with every id queued
        /// by then: under load many acks share a command (Redis CPU and round trips), at low load each goes at once.
        /// An ack lost with the process leaves its message pending, to be redelivered (at-least-once).
        /// </summary>
        private void Acknowledge(string topic, string id)
        {
            _acks.Enqueue((topic, id));
            if (Interlocked.CompareExchange(ref _flushing, 1, 0) == 0) ThreadPool.UnsafeQueueUserWorkItem(static c => c.Flush(), this, preferLocal: true);
        }

        private void Flush()
        {
            while (true)
            {
                Dictionary<string, List<RedisValue>>? byTopic = null;
                while (_acks.TryDequeue(out var ack))
                {
                    byTopic ??= new(StringComparer.Ordinal);
                    if (!byTopic.TryGetValue(ack.Topic, out var ids)) byTopic[ack.Topic] = ids = [];
                    ids.Add(ack.Id);
                }
                if (byTopic is not null)
                    foreach (var (topic, ids) in byTopic)
                        db.StreamAcknowledge(topic, group, [.. ids], CommandFlags.FireAndForget);
                Volatile.Write(ref _flushing, 0);
                if (_acks.IsEmpty || Interlocked.CompareExchange(ref _flushing, 1, 0) != 0) return;
            }
        }

        public async Task DrainAsync()
        {
            for (var i = 0; i < concurrency; i++) await _slots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
