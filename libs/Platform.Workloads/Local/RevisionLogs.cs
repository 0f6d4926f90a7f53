using System.Threading.Channels;

namespace Platform.Workloads.Local;

/// <summary>
/// The output of a revision's replicas: the last lines of each replica in memory (a ring), every line in
/// <c>{dir}/{replica}.log</c>, and live followers. Replicas that were stopped keep their ring for a while so that
/// logs can be read after a scale-down.
/// </summary>
internal sealed class RevisionLogs
{
    private const int RetiredKept = 10;
    private readonly object _gate = new();
    private readonly string _directory;
    private readonly int _capacity;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, ReplicaLog> _replicas = new(StringComparer.Ordinal);
    private readonly List<Follower> _followers = [];
    private long _sequence;
    private bool _closed;

    public RevisionLogs(string directory, int capacity, TimeProvider time)
    {
        _directory = directory;
        _capacity = Math.Max(1, capacity);
        _time = time;
    }

    /// <summary>The replica's log file.</summary>
    public string FileOf(string replica) => Path.Combine(_directory, replica + ".log");

    /// <summary>Opens (or re-opens after a restart) the replica's file; its ring is kept across restarts.</summary>
    public void Open(string replica)
    {
        lock (_gate)
        {
            if (!_replicas.TryGetValue(replica, out var log))
            {
                log = new ReplicaLog(new Queue<LogLine>());
                _replicas[replica] = log;
            }

            log.Retired = false;
            if (log.File is null && !_closed)
            {
                try
                {
                    Directory.CreateDirectory(_directory);
                    log.File = new StreamWriter(new FileStream(FileOf(replica), FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
                }
                catch (IOException)
                {
                    // The file is a copy for people; the ring keeps working without it.
                    log.File = null;
                }
                catch (UnauthorizedAccessException)
                {
                    log.File = null;
                }
            }
        }
    }

    public void Append(string replica, LogStream stream, string text)
    {
        lock (_gate)
        {
            if (!_replicas.TryGetValue(replica, out var log))
            {
                return;
            }

            var line = new LogLine(++_sequence, _time.GetUtcNow(), replica, stream, text);
            if (log.Lines.Count == _capacity)
            {
                log.Lines.Dequeue();
            }

            log.Lines.Enqueue(line);
            try
            {
                log.File?.WriteLine(text);
            }
            catch (IOException)
            {
                log.File = null;
            }

            foreach (var follower in _followers)
            {
                if (follower.Replica is null || follower.Replica == replica)
                {
                    follower.Channel.Writer.TryWrite(line);
                }
            }
        }
    }

    /// <summary>The replica's last <paramref name="count"/> lines, or the revision's when <paramref name="replica"/> is null.</summary>
    public IReadOnlyList<string> LastLines(string? replica, int count)
    {
        lock (_gate)
        {
            return [.. Snapshot(replica).TakeLast(count).Select(l => l.Text)];
        }
    }

    /// <summary>The kept lines and, when following, a reader of the new ones (no gap, no duplicate).</summary>
    public (IReadOnlyList<LogLine> Kept, ChannelReader<LogLine>? Live, Action Unsubscribe) Subscribe(string? replica, bool follow)
    {
        lock (_gate)
        {
            var kept = Snapshot(replica);
            if (!follow || _closed)
            {
                return (kept, null, () => { });
            }

            // Bounded so a stalled reader cannot grow memory without limit; it loses the oldest lines instead.
            var follower = new Follower(replica, Channel.CreateBounded<LogLine>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true }));
            _followers.Add(follower);
            return (kept, follower.Channel.Reader, Unfollow);

            void Unfollow()
            {
                lock (_gate) _followers.Remove(follower);
            }
        }
    }

    /// <summary>The replica stopped for good: close its file, keep its ring among the last few retired ones.</summary>
    public void Retire(string replica)
    {
        lock (_gate)
        {
            if (!_replicas.TryGetValue(replica, out var log))
            {
                return;
            }

            CloseFile(log);
            log.Retired = true;
            log.RetiredAt = _sequence;
            var retired = _replicas.Where(r => r.Value.Retired).OrderBy(r => r.Value.RetiredAt).ToList();
            foreach (var old in retired.Take(Math.Max(0, retired.Count - RetiredKept)))
            {
                _replicas.Remove(old.Key);
            }
        }
    }

    /// <summary>The workload was deleted: followers end, files close.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            foreach (var log in _replicas.Values)
            {
                CloseFile(log);
            }

            foreach (var follower in _followers)
            {
                follower.Channel.Writer.TryComplete();
            }

            _followers.Clear();
        }
    }

    private List<LogLine> Snapshot(string? replica) => replica is null
        ? [.. _replicas.Values.SelectMany(r => r.Lines).OrderBy(l => l.Sequence)]
        : _replicas.TryGetValue(replica, out var log) ? [.. log.Lines] : [];

    private static void CloseFile(ReplicaLog log)
    {
        try
        {
            log.File?.Dispose();
        }
        catch (IOException)
        {
            // Closing a copy for people; nothing to do about a failing disk here.
        }

        log.File = null;
    }

    private sealed class ReplicaLog(Queue<LogLine> lines)
    {
        public Queue<LogLine> Lines { get; } = lines;

        public StreamWriter? File { get; set; }

        public bool Retired { get; set; }

        public long RetiredAt { get; set; }
    }

    private sealed record Follower(string? Replica, Channel<LogLine> Channel);
}
