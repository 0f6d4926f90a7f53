namespace Platform.Sidecar.Actors.Activation;

/// <summary>How an attempt to take an actor's turn ended.</summary>
internal enum TurnOutcome
{
    /// <summary>The caller holds the turn and must dispose it.</summary>
    Entered,
    /// <summary>A reentrant call would nest deeper than <c>maxStackDepth</c>.</summary>
    StackTooDeep,
}

/// <summary>
/// Turn-based concurrency for one actor: one call at a time, in arrival order. With reentrancy, a call carrying the
/// holder's <c>Dapr-Reentrancy-Id</c> (a call chain that comes back to this actor) enters without waiting.
/// </summary>
internal sealed class ActorTurnLock
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _sync = new();
    private string? _holderChain;
    private int _depth;

    /// <summary>Waits for the turn; <paramref name="reentrancyId"/> is null unless reentrancy is enabled for the type.</summary>
    public async ValueTask<(TurnOutcome Outcome, Turn Turn)> EnterAsync(string? reentrancyId, int maxStackDepth, CancellationToken cancellationToken)
    {
        if (reentrancyId is not null)
        {
            lock (_sync)
            {
                if (_holderChain == reentrancyId)
                {
                    if (_depth >= maxStackDepth) return (TurnOutcome.StackTooDeep, default);
                    _depth++;
                    return (TurnOutcome.Entered, new Turn(this, reentrant: true));
                }
            }
        }
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_sync)
        {
            _holderChain = reentrancyId;
            _depth = 1;
        }
        return (TurnOutcome.Entered, new Turn(this, reentrant: false));
    }

    /// <summary>Takes the turn only when nobody holds it (idle deactivation never waits behind calls).</summary>
    public bool TryEnter(out Turn turn)
    {
        turn = default;
        if (!_gate.Wait(0)) return false;
        lock (_sync)
        {
            _holderChain = null;
            _depth = 1;
        }
        turn = new Turn(this, reentrant: false);
        return true;
    }

    private void Exit(bool reentrant)
    {
        lock (_sync)
        {
            _depth--;
            if (reentrant) return;
            _holderChain = null;
            _depth = 0;
        }
        _gate.Release();
    }

    /// <summary>A held turn; disposing it lets the next call in.</summary>
    internal readonly struct Turn(ActorTurnLock owner, bool reentrant) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose() => owner?.Exit(reentrant);
    }
}
