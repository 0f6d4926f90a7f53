using System.Collections.Concurrent;

namespace Platform.Activator.Stats;

/// <summary>One revision's stat in a batch.</summary>
/// <param name="Namespace">Revision namespace.</param>
/// <param name="Revision">Revision name.</param>
/// <param name="AverageConcurrency">Time-weighted average of requests in flight at the activator (held ones included).</param>
/// <param name="RequestCount">Requests that arrived during the window.</param>
/// <param name="InFlight">Requests in flight at the end of the window.</param>
internal sealed record RevisionSample(string Namespace, string Revision, double AverageConcurrency, long RequestCount, int InFlight);

/// <summary>
/// What the activator reports once per interval (to the autoscaler's <c>/stats</c> intake): one entry
/// per revision that had traffic in the window or in the one before (so a stream ends with a zero).
/// </summary>
/// <param name="Activator">Which activator instance measured (host/pid), so several can be summed.</param>
/// <param name="Timestamp">End of the window (UTC).</param>
/// <param name="WindowSeconds">Length of the window in seconds (≈ 1).</param>
/// <param name="Revisions">The stats.</param>
internal sealed record StatsBatch(string Activator, DateTimeOffset Timestamp, double WindowSeconds, IReadOnlyList<RevisionSample> Revisions);

/// <summary>Records request arrivals and ends per revision and closes a window on demand.</summary>
internal sealed class RevisionStatsRecorder(TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Namespace, string Name), ConcurrencyWindow> _windows = new();

    /// <summary>Counts a request for a revision; pass the returned window to <see cref="Finished"/>.</summary>
    public ConcurrencyWindow Started(string @namespace, string revision)
    {
        while (true)
        {
            var now = time.GetTimestamp();
            var window = _windows.GetOrAdd((@namespace, revision), static (_, n) => new ConcurrencyWindow(n), now);
            lock (window)
            {
                if (window.Retired) continue; // dropped between look-up and lock: take the new one
                window.Started(now);
                return window;
            }
        }
    }

    /// <summary>Ends a request counted with <see cref="Started"/>.</summary>
    public void Finished(ConcurrencyWindow window)
    {
        var now = time.GetTimestamp();
        lock (window) window.Finished(now);
    }

    /// <summary>
    /// Closes the window of every revision and returns those to report; idle revisions are dropped, except those in
    /// <paramref name="served"/> (revisions with ready replicas), which are reported as zero: like queue-proxy's
    /// per-second reports, a steady zero is what lets the autoscaler scale an idle revision to zero, while no data at
    /// all (the activator is down) keeps the scale where it is.
    /// </summary>
    public IReadOnlyList<RevisionSample> Snapshot(IEnumerable<(string Namespace, string Name)> served)
    {
        var now = time.GetTimestamp();
        var stats = new List<RevisionSample>();
        foreach (var (key, window) in _windows)
        {
            lock (window)
            {
                var reportedBefore = window.ReportedLastWindow;
                var figures = window.Snapshot(now);
                if (ConcurrencyWindow.HasActivity(figures) || reportedBefore)
                    stats.Add(new RevisionSample(key.Namespace, key.Name, figures.AverageConcurrency, figures.RequestCount, figures.InFlight));
                else
                {
                    window.Retired = true;
                    _windows.TryRemove(new KeyValuePair<(string, string), ConcurrencyWindow>(key, window));
                }
            }
        }
        var reported = stats.Select(r => (r.Namespace, r.Revision)).ToHashSet();
        foreach (var key in served)
            if (reported.Add(key)) stats.Add(new RevisionSample(key.Namespace, key.Name, 0, 0, 0));
        return stats;
    }
}

/// <summary>The revisions the activator routes to and that have ready replicas now.</summary>
internal interface IServedRevisions
{
    /// <summary>(namespace, name) of every revision with at least one ready replica.</summary>
    IEnumerable<(string Namespace, string Name)> WithReplicas();
}
