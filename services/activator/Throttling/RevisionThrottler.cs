using Platform.Activator.LoadBalancing;
using Platform.Serving.Contracts.Routing;

namespace Platform.Activator.Throttling;

/// <summary>How an attempt to get a slot ended.</summary>
internal enum AcquireOutcome
{
    /// <summary>A slot on <see cref="Acquisition.Replica"/> is held; release it when the request ends.</summary>
    Acquired,

    /// <summary>The queue was full: answer 503 at once.</summary>
    QueueFull,

    /// <summary>The token fired while waiting (deadline or client gone; the caller knows which).</summary>
    Canceled,

    /// <summary>The revision left the route table while the request waited.</summary>
    RevisionGone,

    /// <summary>The revision has no ready replica and cannot start one (<see cref="RevisionThrottler.Failure"/>).</summary>
    RevisionFailed,
}

/// <summary>Result of <see cref="RevisionThrottler.AcquireAsync"/>.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Replica">The replica whose slot is held when <see cref="AcquireOutcome.Acquired"/>.</param>
internal readonly record struct Acquisition(AcquireOutcome Outcome, Replica? Replica);

/// <summary>Point-in-time figures of one revision's throttler.</summary>
/// <param name="Replicas">Ready replicas.</param>
/// <param name="InFlight">Requests holding a slot.</param>
/// <param name="Queued">Requests waiting for a slot (held at zero included).</param>
/// <param name="QueueDepth">Most requests that may wait.</param>
/// <param name="ContainerConcurrency">Slots per replica, 0 = unlimited.</param>
/// <param name="Mode"><c>Proxy</c> (queued, capped) or <c>Serve</c> (straight to the least loaded ready replica).</param>
/// <param name="Bypassed">Requests sent to a replica in Serve mode, without the queue and the cap, since the start.</param>
internal sealed record ThrottlerState(int Replicas, int InFlight, int Queued, int QueueDepth, int ContainerConcurrency,
    string Mode = ActivatorModes.Proxy, long Bypassed = 0);

/// <summary>
/// A revision's breaker, as Knative's activator/queue-proxy: capacity CC × ready replicas, at most CC in flight per
/// replica, a FIFO queue of bounded depth, and requests held while no replica is ready, released the moment one is.
/// The first request held at zero triggers the constructor's onHeldAtZero callback (the poke), once per stretch at zero.
/// In <see cref="ActivatorModes.Serve"/> mode (the autoscaler saw spare capacity beyond the target burst capacity) a
/// request with a ready replica skips the queue and the cap: it goes to the less loaded of two ready replicas at once,
/// as Knative's data path does once the activator has left it. With no ready replica it is held as in Proxy mode.
/// </summary>
internal sealed class RevisionThrottler
{
    private readonly object _gate = new();
    private readonly ReplicaPool _pool;
    private readonly Func<int, int> _random;
    private readonly LinkedList<Waiter> _waiters = new();
    private readonly int _depthPerConcurrency;
    private readonly int _unlimitedDepth;
    private readonly Action<RevisionThrottler> _onHeldAtZero;
    private bool _poked;
    private bool _serve;
    private long _bypassed;
    private int _serveCursor;
    private bool _retired;
    private long _lastFailedPoke = long.MinValue / 2;

    /// <summary>Creates the throttler of <c>{ns}/{name}</c>.</summary>
    public RevisionThrottler(string @namespace, string name, int containerConcurrency, int depthPerConcurrency,
        int unlimitedDepth, Func<int, int> random, Action<RevisionThrottler> onHeldAtZero)
    {
        Namespace = @namespace;
        Name = name;
        _pool = new ReplicaPool(containerConcurrency, random);
        _random = random;
        _depthPerConcurrency = depthPerConcurrency;
        _unlimitedDepth = unlimitedDepth;
        _onHeldAtZero = onHeldAtZero;
    }

    /// <summary>Revision namespace.</summary>
    public string Namespace { get; }

    /// <summary>Revision name.</summary>
    public string Name { get; }

    /// <summary>The revision's Configuration as the route table names it (metrics label), or null.</summary>
    public string? Configuration { get; set; }

    /// <summary>Current figures, for diagnostics.</summary>
    public ThrottlerState State
    {
        get
        {
            lock (_gate)
                return new ThrottlerState(_pool.Replicas.Count, _pool.InFlight, _waiters.Count, QueueDepthLocked(), _pool.ContainerConcurrency,
                    _serve ? ActivatorModes.Serve : ActivatorModes.Proxy, _bypassed);
        }
    }

    /// <summary>How long a request may take, queue wait included (the revision's <c>timeoutSeconds</c>).</summary>
    public TimeSpan Timeout => Timeouts.Total;

    /// <summary>The revision's request limits: total, until the response starts, idle.</summary>
    public RevisionTimeouts Timeouts { get; private set; } = RevisionTimeouts.Default;

    /// <summary>Why the revision cannot start replicas, as its backend reported it; null while it can.</summary>
    public string? Failure { get; private set; }

    /// <summary>
    /// Applies new settings, ready replicas and failure, then hands freed capacity to waiting requests in order. With
    /// a failure and no ready replica nothing would ever serve the waiting requests: they end with
    /// <see cref="AcquireOutcome.RevisionFailed"/> at once (and later ones too, until a replica is ready or the
    /// failure clears), rather than at their timeout.
    /// </summary>
    /// <param name="containerConcurrency">Slots per replica (Proxy mode), 0 = unlimited.</param>
    /// <param name="timeouts">The revision's request limits.</param>
    /// <param name="endpoints">Ready replicas as <c>host:port</c>.</param>
    /// <param name="failure">Why the revision cannot start replicas; null while it can.</param>
    /// <param name="mode"><see cref="ActivatorModes.Serve"/> to skip the queue and the cap; anything else is Proxy.</param>
    public void Update(int containerConcurrency, RevisionTimeouts timeouts, IReadOnlyList<string> endpoints, string? failure = null, string? mode = null)
    {
        lock (_gate)
        {
            Timeouts = timeouts;
            _serve = ActivatorModes.IsServe(mode);
            Failure = failure;
            _pool.ContainerConcurrency = containerConcurrency;
            _pool.SetEndpoints(endpoints, Environment.TickCount64);
            if (_pool.Replicas.Count > 0) _poked = false; // the next stretch at zero pokes again
            DispatchLocked();
            if (FailedLocked) EndWaitersLocked(failed: true);
        }
    }

    private bool FailedLocked => Failure is not null && _pool.Replicas.Count == 0;

    /// <summary>
    /// Gets a slot: at once when one is free and nobody waits; otherwise waits in FIFO order until a slot frees,
    /// a replica becomes ready, or <paramref name="cancellationToken"/> fires.
    /// </summary>
    public ValueTask<Acquisition> AcquireAsync(CancellationToken cancellationToken)
    {
        Waiter? waiter = null;
        var poke = false;
        var failed = false;
        lock (_gate)
        {
            if (_retired) return new(new Acquisition(AcquireOutcome.RevisionGone, null));
            if (FailedLocked)
            {
                // Answered at once, but still a poke (at most one a second): the autoscaler scales it up and the
                // backend tries again, as the cause may be gone.
                var now = Environment.TickCount64;
                if (now - _lastFailedPoke >= 1000) (poke, _lastFailedPoke) = (true, now);
                failed = true;
            }
            else
            {
                if (_serve && ServeLocked() is { } direct)
                    return new(new Acquisition(AcquireOutcome.Acquired, direct));
                if (_waiters.Count == 0 && _pool.TryAcquire() is { } replica)
                    return new(new Acquisition(AcquireOutcome.Acquired, replica));
                if (_waiters.Count >= QueueDepthLocked())
                    return new(new Acquisition(AcquireOutcome.QueueFull, null));
                waiter = new Waiter(this);
                waiter.Node = _waiters.AddLast(waiter);
                if (_pool.Replicas.Count == 0 && !_poked) poke = _poked = true;
            }
        }
        if (poke) _onHeldAtZero(this);
        return failed ? new(new Acquisition(AcquireOutcome.RevisionFailed, null)) : WaitAsync(waiter!, cancellationToken);
    }

    /// <summary>Returns a slot; waiting requests take it in arrival order. Safe to call exactly once per slot.</summary>
    public void Release(Replica replica)
    {
        lock (_gate)
        {
            ReplicaPool.Release(replica);
            DispatchLocked();
        }
    }

    /// <summary>
    /// Stops routing to <paramref name="replica"/>: it refused a connection (it just died, before the backend's update
    /// arrived). Updates that still list it do not bring it back for a while (<see cref="ReplicaPool.RefusalMilliseconds"/>).
    /// The caller still releases its slot. Returns the ready replicas left.
    /// </summary>
    public int Evict(Replica replica)
    {
        lock (_gate)
        {
            _pool.Evict(replica, Environment.TickCount64);
            return _pool.Replicas.Count;
        }
    }

    /// <summary>The revision left the table: waiting requests end with <see cref="AcquireOutcome.RevisionGone"/>.</summary>
    public void Retire()
    {
        lock (_gate)
        {
            _retired = true;
            EndWaitersLocked(failed: false);
        }
    }

    private void EndWaitersLocked(bool failed)
    {
        while (_waiters.First is { } node)
        {
            _waiters.RemoveFirst();
            node.Value.Ended = failed ? AcquireOutcome.RevisionFailed : AcquireOutcome.RevisionGone;
            node.Value.Completion.TrySetResult(null);
        }
    }

    private static async ValueTask<Acquisition> WaitAsync(Waiter waiter, CancellationToken cancellationToken)
    {
        Replica? replica;
        await using (cancellationToken.UnsafeRegister(static s => ((Waiter)s!).Cancel(), waiter))
            replica = await waiter.Completion.Task.ConfigureAwait(false);
        return replica is not null ? new Acquisition(AcquireOutcome.Acquired, replica)
            : new Acquisition(waiter.Ended ?? AcquireOutcome.Canceled, null);
    }

    private int QueueDepthLocked() =>
        ReplicaPool.QueueDepth(_pool.ContainerConcurrency, _pool.Replicas.Count, _depthPerConcurrency, _unlimitedDepth);

    // Serve mode: the less loaded of two ready replicas (the one when alone), whatever its slots; null at zero.
    private Replica? ServeLocked()
    {
        var replica = ReplicaPicker.Pick(_pool.Replicas, 0, _random, ref _serveCursor);
        if (replica is null) return null;
        replica.InFlight++;
        _bypassed++;
        return replica;
    }

    private void DispatchLocked()
    {
        // Requests queued before the switch to Serve mode (or held at zero) go out at once.
        while (_serve && _waiters.First is { } held && ServeLocked() is { } direct)
        {
            _waiters.RemoveFirst();
            held.Value.Completion.TrySetResult(direct);
        }
        while (_waiters.First is { } node && _pool.TryAcquire() is { } replica)
        {
            _waiters.RemoveFirst();
            node.Value.Completion.TrySetResult(replica);
        }
    }

    private sealed class Waiter(RevisionThrottler owner)
    {
        public readonly TaskCompletionSource<Replica?> Completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public LinkedListNode<Waiter>? Node;
        public AcquireOutcome? Ended;

        public void Cancel()
        {
            lock (owner._gate)
            {
                // Already granted a slot: the waiter receives it and the caller releases it.
                if (Node?.List is null) return;
                owner._waiters.Remove(Node);
                Completion.TrySetResult(null);
            }
        }
    }
}
