using Platform.Activator.LoadBalancing;

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
internal sealed record ThrottlerState(int Replicas, int InFlight, int Queued, int QueueDepth, int ContainerConcurrency);

/// <summary>
/// A revision's breaker, as Knative's activator/queue-proxy: capacity CC × ready replicas, at most CC in flight per
/// replica, a FIFO queue of bounded depth, and requests held while no replica is ready, released the moment one is.
/// The first request held at zero triggers the constructor's onHeldAtZero callback (the poke), once per stretch at zero.
/// </summary>
internal sealed class RevisionThrottler
{
    private readonly object _gate = new();
    private readonly ReplicaPool _pool;
    private readonly LinkedList<Waiter> _waiters = new();
    private readonly int _depthPerConcurrency;
    private readonly int _unlimitedDepth;
    private readonly Action<RevisionThrottler> _onHeldAtZero;
    private bool _poked;
    private bool _retired;

    /// <summary>Creates the throttler of <c>{ns}/{name}</c>.</summary>
    public RevisionThrottler(string @namespace, string name, int containerConcurrency, int depthPerConcurrency,
        int unlimitedDepth, Func<int, int> random, Action<RevisionThrottler> onHeldAtZero)
    {
        Namespace = @namespace;
        Name = name;
        _pool = new ReplicaPool(containerConcurrency, random);
        _depthPerConcurrency = depthPerConcurrency;
        _unlimitedDepth = unlimitedDepth;
        _onHeldAtZero = onHeldAtZero;
    }

    /// <summary>Revision namespace.</summary>
    public string Namespace { get; }

    /// <summary>Revision name.</summary>
    public string Name { get; }

    /// <summary>Current figures, for diagnostics.</summary>
    public ThrottlerState State
    {
        get
        {
            lock (_gate)
                return new ThrottlerState(_pool.Replicas.Count, _pool.InFlight, _waiters.Count, QueueDepthLocked(), _pool.ContainerConcurrency);
        }
    }

    /// <summary>How long a request may take, queue wait included (the revision's <c>timeoutSeconds</c>).</summary>
    public TimeSpan Timeout { get; private set; } = TimeSpan.FromSeconds(300);

    /// <summary>Applies new settings and ready replicas, then hands freed capacity to waiting requests in order.</summary>
    public void Update(int containerConcurrency, TimeSpan timeout, IReadOnlyList<string> endpoints)
    {
        lock (_gate)
        {
            Timeout = timeout;
            _pool.ContainerConcurrency = containerConcurrency;
            _pool.SetEndpoints(endpoints);
            if (_pool.Replicas.Count > 0) _poked = false; // the next stretch at zero pokes again
            DispatchLocked();
        }
    }

    /// <summary>
    /// Gets a slot: at once when one is free and nobody waits; otherwise waits in FIFO order until a slot frees,
    /// a replica becomes ready, or <paramref name="cancellationToken"/> fires.
    /// </summary>
    public ValueTask<Acquisition> AcquireAsync(CancellationToken cancellationToken)
    {
        Waiter waiter;
        var poke = false;
        lock (_gate)
        {
            if (_retired) return new(new Acquisition(AcquireOutcome.RevisionGone, null));
            if (_waiters.Count == 0 && _pool.TryAcquire() is { } replica)
                return new(new Acquisition(AcquireOutcome.Acquired, replica));
            if (_waiters.Count >= QueueDepthLocked())
                return new(new Acquisition(AcquireOutcome.QueueFull, null));
            waiter = new Waiter(this);
            waiter.Node = _waiters.AddLast(waiter);
            if (_pool.Replicas.Count == 0 && !_poked) poke = _poked = true;
        }
        if (poke) _onHeldAtZero(this);
        return WaitAsync(waiter, cancellationToken);
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
    /// Stops routing to <paramref name="replica"/> until an endpoints update lists it again: it refused a connection
    /// (it just died, before the backend's update arrived). The caller still releases its slot. Returns the ready
    /// replicas left.
    /// </summary>
    public int Evict(Replica replica)
    {
        lock (_gate)
        {
            _pool.Evict(replica);
            return _pool.Replicas.Count;
        }
    }

    /// <summary>The revision left the table: waiting requests end with <see cref="AcquireOutcome.RevisionGone"/>.</summary>
    public void Retire()
    {
        lock (_gate)
        {
            _retired = true;
            while (_waiters.First is { } node)
            {
                _waiters.RemoveFirst();
                node.Value.Gone = true;
                node.Value.Completion.TrySetResult(null);
            }
        }
    }

    private static async ValueTask<Acquisition> WaitAsync(Waiter waiter, CancellationToken cancellationToken)
    {
        Replica? replica;
        await using (cancellationToken.UnsafeRegister(static s => ((Waiter)s!).Cancel(), waiter))
            replica = await waiter.Completion.Task.ConfigureAwait(false);
        return replica is not null ? new Acquisition(AcquireOutcome.Acquired, replica)
            : new Acquisition(waiter.Gone ? AcquireOutcome.RevisionGone : AcquireOutcome.Canceled, null);
    }

    private int QueueDepthLocked() =>
        ReplicaPool.QueueDepth(_pool.ContainerConcurrency, _pool.Replicas.Count, _depthPerConcurrency, _unlimitedDepth);

    private void DispatchLocked()
    {
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
        public bool Gone;

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
