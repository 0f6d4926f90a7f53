using System.Threading.Channels;

namespace Platform.ServingController.Reconcilers;

/// <summary>The key of one object: namespace and name.</summary>
/// <param name="Namespace">Namespace.</param>
/// <param name="Name">Name.</param>
internal readonly record struct ObjectKey(string Namespace, string Name)
{
    /// <inheritdoc />
    public override string ToString() => $"{Namespace}/{Name}";
}

/// <summary>
/// A work queue of one kind, as Kubernetes controllers use: a key waiting is queued once however often it is
/// added (dedupe); a key is never reconciled by two workers at once (one worker); a failed key is retried with
/// exponential back-off (100 ms doubling to 30 s), and while it backs off, adding it again (a watch event, its own
/// workload's status) only makes sure it runs when the back-off ends, never sooner; a key added while it is being
/// reconciled runs again after.
/// </summary>
internal sealed partial class ReconcileQueue
{
    private readonly Channel<ObjectKey> _channel = Channel.CreateUnbounded<ObjectKey>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HashSet<ObjectKey> _queued = [];
    private readonly Dictionary<ObjectKey, int> _failures = [];
    private readonly Dictionary<ObjectKey, DateTimeOffset> _notBefore = [];
    private readonly HashSet<ObjectKey> _delayed = [];
    private readonly Lock _gate = new();
    private readonly string _kind;
    private readonly Func<ObjectKey, CancellationToken, Task> _reconcile;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private CancellationToken _stopping;

    /// <summary>A queue feeding <paramref name="reconcile"/>.</summary>
    public ReconcileQueue(string kind, Func<ObjectKey, CancellationToken, Task> reconcile, TimeProvider time, ILogger log)
    {
        _kind = kind;
        _reconcile = reconcile;
        _time = time;
        _log = log;
    }

    /// <summary>Keys waiting (for tests and metrics).</summary>
    public int Pending { get { lock (_gate) return _queued.Count; } }

    /// <summary>
    /// Queues <paramref name="key"/> unless it is already waiting; a key that is backing off after a failure is
    /// queued when its back-off ends.
    /// </summary>
    public void Add(ObjectKey key)
    {
        lock (_gate)
        {
            if (_notBefore.TryGetValue(key, out var at) && at > _time.GetUtcNow())
            {
                if (_delayed.Add(key)) Schedule(key, at - _time.GetUtcNow());
                return;
            }
            if (!_queued.Add(key)) return;
        }
        _channel.Writer.TryWrite(key);
    }

    /// <summary>Keys waiting for their back-off to end (for tests).</summary>
    public int BackingOff { get { lock (_gate) return _delayed.Count; } }

    // Queues the key after the delay, whatever its back-off says (the back-off is what set the delay).
    private void Schedule(ObjectKey key, TimeSpan delay) =>
        _ = Task.Delay(delay, _time, _stopping).ContinueWith(t =>
        {
            if (t.IsCanceled) return;
            lock (_gate)
            {
                _delayed.Remove(key);
                if (!_queued.Add(key)) return;
            }
            _channel.Writer.TryWrite(key);
        }, TaskScheduler.Default);

    /// <summary>Reconciles keys one at a time until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _stopping = cancellationToken;
        await foreach (var key in _channel.Reader.ReadAllAsync(cancellationToken))
        {
            lock (_gate)
            {
                _queued.Remove(key);
                // Queued before it failed: it still waits for its back-off.
                if (_notBefore.TryGetValue(key, out var at) && at > _time.GetUtcNow())
                {
                    if (_delayed.Add(key)) Schedule(key, at - _time.GetUtcNow());
                    continue;
                }
            }
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            using var span = Telemetry.ReconcileMetrics.Start(_kind, key.ToString());
            try
            {
                await _reconcile(key, cancellationToken);
                Telemetry.ReconcileMetrics.Record(_kind, key.Namespace, true, System.Diagnostics.Stopwatch.GetElapsedTime(started));
                lock (_gate)
                {
                    _failures.Remove(key);
                    _notBefore.Remove(key);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Telemetry.ReconcileMetrics.Record(_kind, key.Namespace, false, System.Diagnostics.Stopwatch.GetElapsedTime(started));
                span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.Message);
                int failures;
                var delay = TimeSpan.Zero;
                lock (_gate)
                {
                    _failures[key] = failures = _failures.GetValueOrDefault(key) + 1;
                    delay = Backoff(failures);
                    _notBefore[key] = _time.GetUtcNow() + delay;
                    if (_delayed.Add(key)) Schedule(key, delay);
                }
                LogRetry(ex, _kind, key.ToString(), failures, delay.TotalMilliseconds);
            }
        }
    }

    /// <summary>The retry delay after <paramref name="failures"/> failures in a row: 100 ms doubling, at most 30 s.</summary>
    public static TimeSpan Backoff(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(30_000, 100 * Math.Pow(2, Math.Min(20, Math.Max(0, failures - 1)))));

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Reconciling {Kind} {Key} failed (attempt {Failures}); retrying in {DelayMs} ms")]
    private partial void LogRetry(Exception ex, string kind, string key, int failures, double delayMs);
}
