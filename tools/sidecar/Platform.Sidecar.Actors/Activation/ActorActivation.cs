namespace Platform.Sidecar.Actors.Activation;

/// <summary>
/// An actor this sidecar considers active in the app: its turn lock, when it was last used, how many calls are in
/// flight or waiting, and its timers (which die with the activation).
/// </summary>
internal sealed class ActorActivation(ActorKey key, TimeProvider time)
{
    private long _lastUsed = time.GetTimestamp();
    private int _pending;

    public ActorKey Key { get; } = key;

    public ActorTurnLock Turn { get; } = new();

    /// <summary>Timers by name; guarded by locking the dictionary.</summary>
    public Dictionary<string, IDisposable> Timers { get; } = new(StringComparer.Ordinal);

    /// <summary>Set under the turn once the app has been told to deactivate; callers holding a stale reference retry.</summary>
    public volatile bool Deactivated;

    public int Pending => Volatile.Read(ref _pending);

    public TimeSpan IdleFor => time.GetElapsedTime(Interlocked.Read(ref _lastUsed));

    /// <summary>Marks a call as arriving (before it waits for the turn).</summary>
    public void BeginCall()
    {
        Interlocked.Increment(ref _pending);
        Touch();
    }

    /// <summary>Marks a call as finished.</summary>
    public void EndCall()
    {
        Touch();
        Interlocked.Decrement(ref _pending);
    }

    private void Touch() => Interlocked.Exchange(ref _lastUsed, time.GetTimestamp());

    /// <summary>Stops and forgets every timer.</summary>
    public void StopTimers()
    {
        lock (Timers)
        {
            foreach (var timer in Timers.Values) timer.Dispose();
            Timers.Clear();
        }
    }
}
