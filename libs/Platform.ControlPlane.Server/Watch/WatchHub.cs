using System.Threading.Channels;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Server.Catalog;
using Platform.ControlPlane.Store;

namespace Platform.ControlPlane.Server.Watch;

/// <summary>Which events a watcher wants: one kind, one namespace or all (null), optionally a label selector.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Namespace">The namespace, or null for every namespace.</param>
/// <param name="Selector">Label selector on the event's object, or null.</param>
internal sealed record WatchFilter(ResourceKind Kind, string? Namespace, LabelSelector? Selector)
{
    /// <summary>True when the watcher wants <paramref name="obj"/>.</summary>
    public bool Matches(StoredObject obj) =>
        obj.Kind.Equals(Kind) && (Namespace is null || obj.Namespace == Namespace)
        && (Selector is null || Selector.IsEmpty || Selector.Matches(obj.Object.Labels()));
}

/// <summary>
/// The retained history of changes (a ring of the last N events, for resuming watches) and the live watchers.
/// The catalog calls <see cref="Publish"/> and <see cref="Subscribe"/> while holding its own lock so that a new
/// watcher sees neither a gap nor a duplicate between its replay and the live events.
/// </summary>
internal sealed class WatchHub(int historyCapacity, int bufferCapacity)
{
    private readonly Lock _lock = new();
    private readonly StoredEvent[] _history = new StoredEvent[Math.Max(1, historyCapacity)];
    private int _start;
    private int _count;
    private readonly List<Watcher> _watchers = [];

    /// <summary>Number of live watchers.</summary>
    public int WatcherCount { get { lock (_lock) return _watchers.Count; } }

    /// <summary>Appends committed events to the history and hands them to every matching watcher.</summary>
    public void Publish(IReadOnlyList<StoredEvent> events)
    {
        lock (_lock)
        {
            foreach (var e in events)
            {
                _history[(_start + _count) % _history.Length] = e;
                if (_count < _history.Length) _count++;
                else _start = (_start + 1) % _history.Length;
                foreach (var w in _watchers)
                    if (w.Filter.Matches(e.Object)) w.Offer(e);
            }
        }
    }

    /// <summary>
    /// Registers a watcher that first receives <paramref name="initial"/> (when given), or the retained events
    /// after <paramref name="fromVersion"/>; null when that version is older than the history
    /// (<paramref name="currentVersion"/> is the catalog's last version).
    /// </summary>
    public Watcher? Subscribe(WatchFilter filter, IReadOnlyList<StoredEvent>? initial, long fromVersion, long currentVersion)
    {
        lock (_lock)
        {
            if (initial is null)
            {
                if (fromVersion < currentVersion)
                {
                    // Versions are contiguous (one per event), so the history covers (oldest - 1, current].
                    if (_count == 0 || _history[_start].Object.Version > fromVersion + 1) return null;
                }
                var replay = new List<StoredEvent>();
                for (var i = 0; i < _count; i++)
                {
                    var e = _history[(_start + i) % _history.Length];
                    if (e.Object.Version > fromVersion && filter.Matches(e.Object)) replay.Add(e);
                }
                initial = replay;
            }
            var watcher = new Watcher(this, filter, initial, bufferCapacity);
            _watchers.Add(watcher);
            return watcher;
        }
    }

    internal void Remove(Watcher watcher)
    {
        lock (_lock) _watchers.Remove(watcher);
    }
}

/// <summary>
/// One watch: its initial events, then live ones. A watcher that falls <c>bufferCapacity</c> events behind is
/// closed (its reader ends), as Kubernetes closes slow watches; the client resumes from the last version it saw.
/// </summary>
internal sealed class Watcher : IDisposable
{
    private readonly WatchHub _hub;
    private readonly Channel<StoredEvent> _live;

    internal Watcher(WatchHub hub, WatchFilter filter, IReadOnlyList<StoredEvent> initial, int capacity)
    {
        _hub = hub;
        Filter = filter;
        Initial = initial;
        _live = Channel.CreateBounded<StoredEvent>(new BoundedChannelOptions(Math.Max(1, capacity))
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>What this watcher wants.</summary>
    public WatchFilter Filter { get; }

    /// <summary>The replay or the synthetic ADDED events, delivered before live ones.</summary>
    public IReadOnlyList<StoredEvent> Initial { get; }

    /// <summary>True when the watcher was closed because it fell behind.</summary>
    public bool Overflowed { get; private set; }

    internal void Offer(StoredEvent e)
    {
        if (_live.Writer.TryWrite(e)) return;
        Overflowed = true;
        _live.Writer.TryComplete();
    }

    /// <summary>The live events; waits for the next one, ends when the watcher is closed.</summary>
    public ChannelReader<StoredEvent> Live => _live.Reader;

    /// <summary>Every event in order: initial, then live, until cancelled or closed.</summary>
    public async IAsyncEnumerable<StoredEvent> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var e in Initial) yield return e;
        await foreach (var e in _live.Reader.ReadAllAsync(cancellationToken)) yield return e;
    }

    /// <summary>Stops the watcher.</summary>
    public void Dispose()
    {
        _hub.Remove(this);
        _live.Writer.TryComplete();
    }
}
