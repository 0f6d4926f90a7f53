using System.Buffers;
using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Platform.Sidecar.Core.PubSub;

namespace Platform.Sidecar.PubSub;

/// <summary>
/// Bulk subscribe: gathers the events of one subscription and route into requests of up to
/// <c>maxMessagesCount</c> entries, each sent when full or <c>maxAwaitDurationMs</c> after its first entry, and
/// hands every entry its own outcome. <see cref="AppDelivery"/> keeps the per-event rules around it (expiry, routing,
/// retries under the inbound policy, dead letter), so an entry answered RETRY joins a later batch on its own.
/// </summary>
internal sealed class BulkDelivery(AppChannel channel, TimeProvider time)
{
    private static readonly MediaTypeHeaderValue BatchType = new(BulkMessage.ContentType);
    private readonly ConcurrentDictionary<(TopicSubscription Subscription, string Route), Batcher> _batchers = new();
    private readonly HttpClient _client = channel.Client;
    private readonly TimeProvider _time = time;

    /// <summary>
    /// Delivers one event of <paramref name="subscription"/> (whose <see cref="TopicSubscription.Bulk"/> is set, already
    /// limited to the component's concurrency) as an entry of a bulk request; completes with that entry's outcome.
    /// <paramref name="timeout"/> (the component's inbound policy, the same for every event) bounds each request.
    /// </summary>
    public Task<(DeliveryStatus Status, string Reason)> PostAsync(TopicSubscription subscription, string route, string entryId,
        ReadOnlyMemory<byte> envelope, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var batcher = _batchers.GetOrAdd((subscription, route), static (key, t) => new Batcher(t.Owner, key.Subscription, key.Route, t.Timeout), (Owner: this, Timeout: timeout));
        return batcher.Add(entryId, envelope).WaitAsync(cancellationToken);
    }

    private sealed record Entry(string Id, ReadOnlyMemory<byte> Event, TaskCompletionSource<(DeliveryStatus, string)> Done);

    /// <summary>The open batch of one subscription and route.</summary>
    private sealed class Batcher(BulkDelivery owner, TopicSubscription subscription, string route, TimeSpan? timeout)
    {
        private readonly BulkSubscribeOptions _bulk = subscription.Bulk!;
        private readonly Lock _gate = new();
        private List<Entry>? _open;
        private long _generation;

        public Task<(DeliveryStatus, string)> Add(string id, ReadOnlyMemory<byte> envelope)
        {
            var entry = new Entry(id, envelope, new(TaskCreationOptions.RunContinuationsAsynchronously));
            List<Entry>? full = null;
            long startTimerFor = -1;
            lock (_gate)
            {
                _open ??= new(Math.Min(_bulk.MaxMessagesCount, 256));
                _open.Add(entry);
                if (_open.Count >= _bulk.MaxMessagesCount) (full, _open) = (_open, null);
                else if (_open.Count == 1) startTimerFor = _generation;
                if (full is not null) _generation++;
            }
            if (full is not null) _ = SendAsync(full);
            else if (startTimerFor >= 0) _ = FlushLaterAsync(startTimerFor);
            return entry.Done.Task;
        }

        private async Task FlushLaterAsync(long generation)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(_bulk.MaxAwaitDurationMs), owner._time).ConfigureAwait(false);
            List<Entry>? due = null;
            lock (_gate)
            {
                // A batch that filled up meanwhile went already, and the generation moved on.
                if (_generation == generation && _open is not null) { (due, _open) = (_open, null); _generation++; }
            }
            if (due is not null) await SendAsync(due).ConfigureAwait(false);
        }

        private async Task SendAsync(List<Entry> entries)
        {
            var ids = entries.Select(e => e.Id).ToArray();
            DeliveryStatus[] statuses;
            string reason;
            try
            {
                var body = new ArrayBufferWriter<byte>(entries.Sum(e => e.Event.Length + 160) + 256);
                BulkMessage.Write(body, Guid.NewGuid().ToString(), subscription.PubSubName, subscription.Topic, entries.Select(e => (e.Id, e.Event)).ToList());
                using var request = new HttpRequestMessage(HttpMethod.Post, route.StartsWith('/') ? route : "/" + route);
                request.Content = new ReadOnlyMemoryContent(body.WrittenMemory) { Headers = { ContentType = BatchType } };
                using var cts = new CancellationTokenSource();
                if (timeout is { } t) cts.CancelAfter(t);
                using var response = await owner._client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cts.Token).ConfigureAwait(false);
                var code = (int)response.StatusCode;
                var answer = code is >= 200 and <= 299 ? await response.Content.ReadAsByteArrayAsync(CancellationToken.None).ConfigureAwait(false) : [];
                statuses = DeliveryOutcome.FromBulkResponse(code, answer, ids);
                reason = code == 404 ? "404 Not Found" : $"HTTP {code} (bulk of {entries.Count})";
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                statuses = new DeliveryStatus[entries.Count];
                Array.Fill(statuses, DeliveryStatus.Retry);
                reason = e is OperationCanceledException ? "timed out" : e.Message;
            }
            for (var i = 0; i < entries.Count; i++) entries[i].Done.TrySetResult((statuses[i], reason));
        }
    }
}
