namespace Platform.Serving.EndToEnd.Tests.Load;

/// <summary>
/// Requests in flight at the client, time-weighted: <see cref="TakeAverage"/> returns the average number in flight
/// since the previous call (as the activator reports concurrency), not a snapshot. Thread-safe; the clock is injected.
/// </summary>
public sealed class InFlightMeter(Func<TimeSpan> clock)
{
    private readonly Lock _lock = new();
    private int _inFlight;
    private double _area;
    private TimeSpan _last = clock();
    private TimeSpan _periodStart = clock();

    /// <summary>Requests in flight now.</summary>
    public int Current
    {
        get { lock (_lock) return _inFlight; }
    }

    /// <summary>A request was sent.</summary>
    public void Enter() => Change(+1);

    /// <summary>A request finished (answered or failed).</summary>
    public void Exit() => Change(-1);

    /// <summary>The time-weighted average in flight since the last call (or since creation), and starts a new period.</summary>
    public double TakeAverage()
    {
        lock (_lock)
        {
            var now = clock();
            Accumulate(now);
            var length = (now - _periodStart).TotalSeconds;
            var average = length > 0 ? _area / length : _inFlight;
            _area = 0;
            _periodStart = now;
            return average;
        }
    }

    private void Change(int delta)
    {
        lock (_lock)
        {
            Accumulate(clock());
            _inFlight += delta;
        }
    }

    private void Accumulate(TimeSpan now)
    {
        if (now > _last) _area += _inFlight * (now - _last).TotalSeconds;
        _last = now > _last ? now : _last;
    }
}
