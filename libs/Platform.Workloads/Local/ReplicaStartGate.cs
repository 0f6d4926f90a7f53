namespace Platform.Workloads.Local;

/// <summary>
/// Bounds how many replica processes of the backend start at once (<see cref="LocalBackendOptions.MaxConcurrentStarts"/>).
/// A process holds its slot from launch until it is ready, exits or is stopped, and at most
/// <see cref="LocalBackendOptions.StartSlotHold"/>, so that an app that never gets ready cannot keep others waiting.
/// </summary>
/// <remarks>
/// Starting a runtime costs a core for about half a second (JIT, assembly loading). On a 2-core machine, panic mode
/// asking for two dozen replicas at once used to start them all together: the activator and the ready replicas
/// starved, latency and so measured concurrency rose, and panic asked for more. A cluster has the same brake in its
/// scheduler (pods stay Pending when the nodes are full); locally this gate is that brake.
/// </remarks>
internal sealed class ReplicaStartGate(int slots, TimeSpan maxHold, TimeProvider time)
{
    private readonly SemaphoreSlim _slots = new(slots, slots);

    /// <summary>Slots free now.</summary>
    public int Free => _slots.CurrentCount;

    /// <summary>Waits for a slot; the slot is given back by <see cref="Slot.Release"/> or after the longest hold.</summary>
    public async Task<Slot> EnterAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Slot(_slots, maxHold, time);
    }

    /// <summary>One held slot; releasing it again (or after the timer did) does nothing.</summary>
    internal sealed class Slot
    {
        private readonly SemaphoreSlim _slots;
        private readonly ITimer _timer;
        private int _released;

        public Slot(SemaphoreSlim slots, TimeSpan maxHold, TimeProvider time)
        {
            _slots = slots;
            _timer = time.CreateTimer(static s => ((Slot)s!).Release(), this, maxHold, Timeout.InfiniteTimeSpan);
        }

        /// <summary>Gives the slot back, once.</summary>
        public void Release()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            _timer.Dispose();
            _slots.Release();
        }
    }
}
