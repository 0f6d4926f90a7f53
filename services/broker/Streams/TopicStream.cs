using System.Threading.Channels;
using Dapr.AppCallback.Autogen.Grpc.v1;
using Dapr.Client.Autogen.Grpc.v1;
using Grpc.Core;
using DaprGrpc = Dapr.Client.Autogen.Grpc.v1.Dapr;

namespace Platform.Broker.Streams;

/// <summary>What the handler of a streamed event decided; sent back to the sidecar as SUCCESS / RETRY / DROP.</summary>
internal enum EventOutcome
{
    /// <summary>Processed: the sidecar acknowledges it.</summary>
    Success,
    /// <summary>Not processed: the sidecar delivers it again.</summary>
    Retry,
    /// <summary>Will never be processed: the sidecar drops it (to its dead-letter topic when set).</summary>
    Drop,
}

/// <summary>Handles one event read from a topic.</summary>
internal delegate Task<EventOutcome> StreamedEventHandler(TopicEventRequest message, CancellationToken cancellationToken);

/// <summary>
/// One dynamic subscription through Dapr's streaming API <c>SubscribeTopicEventsAlpha1</c>: sends the initial request
/// (pubsub, topic, metadata, dead-letter topic), hands each <c>TopicEventRequest</c> to the handler through its
/// <see cref="Backpressure.DeliveryGate"/> (in-flight and rate limits), answers each with its outcome, and reconnects after a failure. An event whose handler
/// has not finished when the stream stops gets no answer, so the sidecar leaves it for redelivery (at-least-once).
/// </summary>
internal sealed partial class TopicStream : IAsyncDisposable
{
    private readonly DaprGrpc.DaprClient _client;
    private readonly SubscribeTopicEventsRequestInitialAlpha1 _initial;
    private readonly StreamedEventHandler _handler;
    private readonly Backpressure.DeliveryGate _gate;
    private readonly Metadata _headers;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _run = Task.CompletedTask;

    /// <summary>Creates a stream; <see cref="Start"/> opens it.</summary>
    public TopicStream(DaprGrpc.DaprClient client, string pubsub, string topic, string? deadLetterTopic, IReadOnlyDictionary<string, string> metadata,
        Backpressure.DeliveryGate gate, StreamedEventHandler handler, Metadata headers, ILogger logger)
    {
        _client = client;
        _initial = new SubscribeTopicEventsRequestInitialAlpha1 { PubsubName = pubsub, Topic = topic };
        if (deadLetterTopic is not null) _initial.DeadLetterTopic = deadLetterTopic;
        foreach (var (k, v) in metadata) _initial.Metadata[k] = v;
        _gate = gate;
        _handler = handler;
        _headers = headers;
        _logger = logger;
    }

    /// <summary>The topic.</summary>
    public string Topic => _initial.Topic;

    /// <summary>The gate bounding this stream's handlers (its limits can change while it runs).</summary>
    public Backpressure.DeliveryGate Gate => _gate;

    /// <summary>Completes once the sidecar has accepted the subscription (the first time).</summary>
    public Task Subscribed => _subscribed.Task;

    /// <summary>Opens the stream in the background.</summary>
    public void Start() => _run = Task.Run(() => RunAsync(_stop.Token));

    private async Task RunAsync(CancellationToken stop)
    {
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stop).ConfigureAwait(false);
                failures = 0;
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                failures++;
                LogStreamFailed(_initial.Topic, failures, e.Message);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            try { await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 100 * (1 << Math.Min(failures, 6)))), stop).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task RunOnceAsync(CancellationToken stop)
    {
        using var streamCts = CancellationTokenSource.CreateLinkedTokenSource(stop);
        using var call = _client.SubscribeTopicEventsAlpha1(_headers, cancellationToken: streamCts.Token);
        await call.RequestStream.WriteAsync(new SubscribeTopicEventsRequestAlpha1 { InitialRequest = _initial }, stop).ConfigureAwait(false);
        var answers = Channel.CreateUnbounded<SubscribeTopicEventsRequestAlpha1>(new UnboundedChannelOptions { SingleReader = true });
        var writer = Task.Run(async () =>
        {
            var buffered = new WriteOptions(WriteFlags.BufferHint);
            await foreach (var answer in answers.Reader.ReadAllAsync(streamCts.Token).ConfigureAwait(false))
            {
                // With more answers queued, this one is not flushed on its own: the last of a burst flushes them all.
                call.RequestStream.WriteOptions = answers.Reader.TryPeek(out _) ? buffered : null;
                await call.RequestStream.WriteAsync(answer, streamCts.Token).ConfigureAwait(false);
            }
        }, CancellationToken.None);
        try
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync(streamCts.Token).ConfigureAwait(false))
            {
                if (response.SubscribeTopicEventsResponseTypeCase == SubscribeTopicEventsResponseAlpha1.SubscribeTopicEventsResponseTypeOneofCase.InitialResponse)
                {
                    LogSubscribed(_initial.Topic);
                    _subscribed.TrySetResult();
                    continue;
                }
                if (response.EventMessage is not { } message) continue;
                await _gate.EnterAsync(streamCts.Token).ConfigureAwait(false);
                // Not Task.Run: the handler runs here until its first await (decode, filter, the start of a publish
                // or HTTP send), which costs less than a thread-pool hop per event; the gate still bounds the in-flight.
                _ = HandleAsync(message, answers.Writer, streamCts.Token);
            }
            throw new IOException("the sidecar closed the subscription stream");
        }
        finally
        {
            // Unanswered events stay pending in the sidecar, which redelivers them to the next stream.
            await streamCts.CancelAsync().ConfigureAwait(false);
            answers.Writer.TryComplete();
            try { await writer.ConfigureAwait(false); } catch (Exception) { /* the stream is gone either way */ }
            await _gate.WhenIdleAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Runs the handler for one event and queues its answer; no answer when the stream is going away.</summary>
    private async Task HandleAsync(TopicEventRequest message, ChannelWriter<SubscribeTopicEventsRequestAlpha1> answers, CancellationToken streamToken)
    {
        try
        {
            EventOutcome outcome;
            try { outcome = await _handler(message, streamToken).ConfigureAwait(false); }
            catch (OperationCanceledException) when (streamToken.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                LogHandlerFailed(_initial.Topic, message.Id, e);
                outcome = EventOutcome.Retry;
            }
            answers.TryWrite(new SubscribeTopicEventsRequestAlpha1
            {
                EventProcessed = new SubscribeTopicEventsRequestProcessedAlpha1
                {
                    Id = message.Id,
                    Status = new TopicEventResponse { Status = ToStatus(outcome) },
                },
            });
        }
        finally
        {
            _gate.Exit();
        }
    }

    private static TopicEventResponse.Types.TopicEventResponseStatus ToStatus(EventOutcome outcome) => outcome switch
    {
        EventOutcome.Success => TopicEventResponse.Types.TopicEventResponseStatus.Success,
        EventOutcome.Drop => TopicEventResponse.Types.TopicEventResponseStatus.Drop,
        _ => TopicEventResponse.Types.TopicEventResponseStatus.Retry,
    };

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try { await _run.ConfigureAwait(false); } catch (OperationCanceledException) { }
        _stop.Dispose();
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "subscribed to topic {Topic}")]
    private partial void LogSubscribed(string topic);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "subscription stream of topic {Topic} failed ({Failures} in a row): {Error}; reconnecting")]
    private partial void LogStreamFailed(string topic, int failures, string error);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "topic {Topic}: handling event {EventId} failed; asking for redelivery")]
    private partial void LogHandlerFailed(string topic, string eventId, Exception error);
}
