namespace Platform.Autoscaler.Metrics;

/// <summary>
/// One metric of one revision in 1-second buckets over the stable window, with Knative's window averages
/// (<c>TimedFloat64Buckets</c>): values recorded in the same second add up (several reporters make a revision-wide
/// total); an average divides by the buckets since the first write, capped at the window; seconds without a write
/// count as zero; a gap of a whole window starts afresh. The panic window is read from the same ring, so a revision
/// costs one array. Not thread-safe: one owner (an actor turn or a lock).
/// </summary>
internal sealed class BucketWindow
{
    private const long Never = long.MinValue;
    private readonly double[] _buckets;
    private readonly int _panicSeconds;
    private long _firstWrite = Never;
    private long _panicFirstWrite = Never;
    private long _lastWrite = Never;

    /// <summary>A window of <paramref name="stableSeconds"/> buckets whose panic window is the last <paramref name="panicSeconds"/>.</summary>
    public BucketWindow(int stableSeconds, int panicSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stableSeconds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(panicSeconds, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(panicSeconds, stableSeconds);
        _buckets = new double[stableSeconds];
        _panicSeconds = panicSeconds;
    }

    /// <summary>Buckets in the stable window.</summary>
    public int StableSeconds => _buckets.Length;

    /// <summary>Buckets in the panic window.</summary>
    public int PanicSeconds => _panicSeconds;

    /// <summary>Unix second of the last write, or null before the first.</summary>
    public long? LastWrite => _lastWrite == Never ? null : _lastWrite;

    /// <summary>Adds <paramref name="value"/> to the bucket of unix second <paramref name="second"/>; false when older than the window.</summary>
    public bool Record(long second, double value)
    {
        var n = _buckets.Length;
        if (_lastWrite == Never)
        {
            _firstWrite = _panicFirstWrite = _lastWrite = second;
        }
        else if (second > _lastWrite)
        {
            var gap = second - _lastWrite;
            if (gap >= n)
            {
                Array.Clear(_buckets);
                _firstWrite = second;
            }
            else
            {
                // Seconds skipped since the last write become zeros.
                for (var s = _lastWrite + 1; s <= second; s++)
                {
                    _buckets[Index(s)] = 0;
                }
            }
            if (gap >= _panicSeconds) _panicFirstWrite = second;
            _lastWrite = second;
        }
        else if (second < _lastWrite)
        {
            if (_lastWrite - second >= n) return false;
            if (second < _firstWrite) _firstWrite = second;
            if (second < _panicFirstWrite && _lastWrite - second < _panicSeconds) _panicFirstWrite = second;
        }
        _buckets[Index(second)] += value;
        return true;
    }

    /// <summary>
    /// Whether there is data to decide on at <paramref name="now"/>: something was written within the stable window
    /// (Knative: not <c>IsEmpty</c>, i.e. now − lastWrite ≤ window).
    /// </summary>
    public bool HasData(long now) => _lastWrite != Never && now - _lastWrite <= _buckets.Length;

    /// <summary>Average per second over the stable window ending at <paramref name="now"/>.</summary>
    public double StableAverage(long now)
    {
        if (_lastWrite == Never) return 0;
        if (now < _lastWrite) now = _lastWrite;
        var n = _buckets.Length;
        if (now - _lastWrite >= n) return 0;
        // Summed afresh (n additions) rather than kept as a running total: adding and subtracting doubles leaves a
        // residue like 1e-17 after traffic stops, and ceil(1e-17 / target) = 1 pod would never let a revision reach zero.
        var sum = 0.0;
        for (var s = Math.Max(now - n + 1, _firstWrite); s <= _lastWrite; s++) sum += _buckets[Index(s)];
        return sum / Math.Min(now - _firstWrite + 1, n);
    }

    /// <summary>Average per second over the panic window ending at <paramref name="now"/>.</summary>
    public double PanicAverage(long now)
    {
        if (_lastWrite == Never) return 0;
        if (now < _lastWrite) now = _lastWrite;
        if (now - _lastWrite >= _panicSeconds) return 0;
        var sum = 0.0;
        for (var s = now - _panicSeconds + 1; s <= _lastWrite; s++) sum += _buckets[Index(s)];
        return sum / Math.Min(now - _panicFirstWrite + 1, _panicSeconds);
    }

    /// <summary>The window's content, for persistence.</summary>
    public BucketWindowSnapshot ToSnapshot()
    {
        if (_lastWrite == Never) return new BucketWindowSnapshot(null, null, null, []);
        var n = _buckets.Length;
        var values = new double[n];
        for (var i = 0; i < n; i++) values[i] = _buckets[Index(_lastWrite - n + 1 + i)];
        return new BucketWindowSnapshot(_firstWrite, _panicFirstWrite, _lastWrite, values);
    }

    /// <summary>Rebuilds a window (of possibly other sizes) from <paramref name="snapshot"/>.</summary>
    public static BucketWindow FromSnapshot(BucketWindowSnapshot snapshot, int stableSeconds, int panicSeconds)
    {
        var window = new BucketWindow(stableSeconds, panicSeconds);
        if (snapshot.LastWrite is not { } last || snapshot.Values is null) return window;
        var count = snapshot.Values.Length;
        window._lastWrite = last;
        window._firstWrite = snapshot.FirstWrite ?? last;
        window._panicFirstWrite = snapshot.PanicFirstWrite ?? last;
        for (var i = 0; i < count; i++)
        {
            var second = last - count + 1 + i;
            if (last - second >= stableSeconds || second < window._firstWrite) continue;
            window._buckets[window.Index(second)] += snapshot.Values[i];
        }
        return window;
    }

    private int Index(long second)
    {
        var i = second % _buckets.Length;
        return (int)(i < 0 ? i + _buckets.Length : i);
    }
}

/// <summary>A <see cref="BucketWindow"/> as stored: bucket values oldest first, ending at <paramref name="LastWrite"/>.</summary>
/// <param name="FirstWrite">Unix second of the first write of the current run of data.</param>
/// <param name="PanicFirstWrite">Same, for the panic window.</param>
/// <param name="LastWrite">Unix second of the last write; null when empty.</param>
/// <param name="Values">One value per second, the last one at <paramref name="LastWrite"/>.</param>
internal sealed record BucketWindowSnapshot(long? FirstWrite, long? PanicFirstWrite, long? LastWrite, double[] Values);
