namespace Platform.Broker.Backpressure;

/// <summary>
/// The gate in front of one topic's handler: at most <see cref="DeliveryLimits.MaxInFlight"/> events handled at once,
/// and handling started at most <see cref="DeliveryLimits.EventsPerSecond"/> times a second (evenly spaced, no burst).
/// Both can change while events flow (a subscriber scaled up, an annotation edited): a raised limit lets waiting events
/// in at once, a lowered one takes effect as running ones finish. The stream's reading loop waits here, so a slow
/// subscriber holds only its own topic's stream (and the sidecar's flow control behind it).
/// </summary>
internal sealed class DeliveryGate(DeliveryLimits limits, TimeProvider time)
{
    private readonly object _lock = new();
    private readonly Queue<TaskCompletionSource> _waiting = new();
    private DeliveryLimits _limits = limits;
    private int _inFlight;
    private long _nextStart;
    private TaskCompletionSource? _idle;

    /// <summary>The limits in force.</summary>
    public DeliveryLimits Limits { get { lock (_lock) return _limits; } }

    /// <summary>Events being handled now.</summary>
    public int InFlight { get { lock (_lock) return _inFlight; } }

    /// <summary>Changes the limits; waiting events that now fit go in.</summary>
    public void Set(DeliveryLimits limits)
    {
        lock (_lock)
        {
            _limits = limits;
            WakeLocked();
        }
    }

    /// <summary>Waits for a slot (and for the event's turn under the rate limit); <see cref="Exit"/> gives the slot back.</summary>
    public async ValueTask EnterAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource? wait = null;
        double? rate;
        lock (_lock)
        {
            if (_inFlight < _limits.MaxInFlight && _waiting.Count == 0) _inFlight++;
            else _waiting.Enqueue(wait = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            rate = _limits.EventsPerSecond;
        }
        if (wait is not null)
        {
            // A cancelled waiter stays queued but can no longer be given a slot (TrySetResult fails on it).
            await using (cancellationToken.Register(() => wait.TrySetCanceled(cancellationToken)).ConfigureAwait(false))
                await wait.Task.ConfigureAwait(false);
            lock (_lock) rate = _limits.EventsPerSecond;
        }
        if (rate is not { } perSecond) return;
        var delay = Reserve(perSecond);
        if (delay <= TimeSpan.Zero) return;
        try
        {
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Exit();
            throw;
        }
    }

    /// <summary>Gives a slot back.</summary>
    public void Exit()
    {
        lock (_lock)
        {
            _inFlight--;
            WakeLocked();
            if (_inFlight == 0 && _idle is not null)
            {
                _idle.TrySetResult();
                _idle = null;
            }
        }
    }

    /// <summary>Completes when nothing is in flight.</summary>
    public Task WhenIdleAsync()
    {
        lock (_lock)
        {
            if (_inFlight == 0) return Task.CompletedTask;
            return (_idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    /// <summary>The wait before the next start under <paramref name="perSecond"/>: starts are spaced 1/rate apart.</summary>
    private TimeSpan Reserve(double perSecond)
    {
        var interval = (long)(time.TimestampFrequency / perSecond);
        var now = time.GetTimestamp();
        long start;
        lock (_lock)
        {
            start = Math.Max(_nextStart, now);
            _nextStart = start + interval;
        }
        return time.GetElapsedTime(now, start);
    }

    private void WakeLocked()
    {
        while (_inFlight < _limits.MaxInFlight && _waiting.TryDequeue(out var next))
            if (next.TrySetResult()) _inFlight++;
    }
}
