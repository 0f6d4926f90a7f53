namespace Platform.Activator.Stats;

/// <summary>One window's figures for one revision.</summary>
/// <param name="AverageConcurrency">Time-weighted average of requests in flight over the window.</param>
/// <param name="RequestCount">Requests that arrived in the window.</param>
/// <param name="InFlight">Requests in flight at the window's end.</param>
internal readonly record struct WindowFigures(double AverageConcurrency, long RequestCount, int InFlight);

/// <summary>
/// Pure accounting of a revision's concurrency: every change of the in-flight count adds count × elapsed time,
/// so the average over a window weighs each level by how long it lasted (a request in flight for half of the
/// second counts 0.5). Timestamps are in any monotonic unit (e.g. <see cref="TimeProvider.GetTimestamp"/>).
/// Not thread-safe: the recorder locks it.
/// </summary>
internal sealed class ConcurrencyWindow(long now)
{
    private long _windowStart = now;
    private long _lastChange = now;
    private double _weighted;
    private long _requests;

    /// <summary>Requests in flight now.</summary>
    public int InFlight { get; private set; }

    /// <summary>True when the last snapshot saw activity (so the next one is reported too, ending at zero).</summary>
    public bool ReportedLastWindow { get; private set; }

    /// <summary>Set once the recorder dropped this window; a retired window takes no more requests.</summary>
    public bool Retired { get; set; }

    /// <summary>A request arrived (it counts from arrival, held or queued time included, as Knative's activator).</summary>
    public void Started(long now)
    {
        Advance(now);
        InFlight++;
        _requests++;
    }

    /// <summary>A request ended, however it ended.</summary>
    public void Finished(long now)
    {
        Advance(now);
        if (InFlight > 0) InFlight--;
    }

    /// <summary>Closes the window at <paramref name="now"/>, returns its figures and starts the next one.</summary>
    public WindowFigures Snapshot(long now)
    {
        Advance(now);
        var elapsed = now - _windowStart;
        var average = elapsed > 0 ? _weighted / elapsed : InFlight;
        var figures = new WindowFigures(average, _requests, InFlight);
        _weighted = 0;
        _requests = 0;
        _windowStart = now;
        ReportedLastWindow = HasActivity(figures);
        return figures;
    }

    /// <summary>True when the figures show any traffic.</summary>
    public static bool HasActivity(WindowFigures f) => f.RequestCount > 0 || f.AverageConcurrency > 0 || f.InFlight > 0;

    private void Advance(long now)
    {
        if (now <= _lastChange) return;
        _weighted += InFlight * (double)(now - _lastChange);
        _lastChange = now;
    }
}
