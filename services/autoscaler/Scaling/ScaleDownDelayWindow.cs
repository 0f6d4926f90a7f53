namespace Platform.Autoscaler.Scaling;

/// <summary>
/// The maximum of the recommendations over a sliding time window (Knative's <c>max.TimeWindow</c>), which delays
/// scale-downs by <c>scale-down-delay</c>. Time is cut into buckets of one tick; a monotone deque keeps only
/// values that can still become the maximum, so the state stays small.
/// </summary>
internal sealed class ScaleDownDelayWindow
{
    private readonly int _size;
    private readonly long _granularitySeconds;
    private (long Index, int Value)[] _items = new (long, int)[4];
    private int _head;
    private int _count;

    /// <summary>A window of <paramref name="delay"/> in buckets of <paramref name="granularity"/> (the tick interval).</summary>
    public ScaleDownDelayWindow(TimeSpan delay, TimeSpan granularity)
    {
        _granularitySeconds = Math.Max(1, (long)Math.Round(granularity.TotalSeconds));
        _size = Math.Max(1, (int)Math.Ceiling(delay.TotalSeconds / _granularitySeconds));
    }

    /// <summary>Records a recommendation made at <paramref name="now"/>.</summary>
    public void Record(DateTimeOffset now, int value)
    {
        var index = now.ToUnixTimeSeconds() / _granularitySeconds;
        // A smaller or equal value recorded earlier can never be the maximum again.
        while (_count > 0 && At(_count - 1).Value <= value) _count--;
        while (_count > 0 && At(0).Index <= index - _size) { _head = (_head + 1) % _items.Length; _count--; }
        if (_count == _items.Length) Grow();
        _items[(_head + _count) % _items.Length] = (index, value);
        _count++;
    }

    /// <summary>The maximum over the window; 0 when nothing was recorded.</summary>
    public int Current => _count == 0 ? 0 : At(0).Value;

    /// <summary>Entries oldest first, for persistence.</summary>
    public DelayEntry[] ToSnapshot()
    {
        var result = new DelayEntry[_count];
        for (var i = 0; i < _count; i++) result[i] = new DelayEntry(At(i).Index, At(i).Value);
        return result;
    }

    /// <summary>Restores entries saved by <see cref="ToSnapshot"/>.</summary>
    public void Restore(IEnumerable<DelayEntry> entries)
    {
        _head = _count = 0;
        foreach (var e in entries)
        {
            if (_count == _items.Length) Grow();
            _items[_count++] = (e.Index, e.Value);
        }
    }

    private (long Index, int Value) At(int i) => _items[(_head + i) % _items.Length];

    private void Grow()
    {
        var bigger = new (long, int)[_items.Length * 2];
        for (var i = 0; i < _count; i++) bigger[i] = At(i);
        _items = bigger;
        _head = 0;
    }
}

/// <summary>One saved entry of a <see cref="ScaleDownDelayWindow"/>.</summary>
/// <param name="Index">Bucket index (unix seconds ÷ tick).</param>
/// <param name="Value">Recommended pods.</param>
internal sealed record DelayEntry(long Index, int Value);
