using Platform.Sidecar.Actors.Activation;

namespace Platform.Sidecar.Actors.Tests.Activation;

public sealed class ActorTurnLockTests
{
    [Fact]
    public async Task SecondCallWaitsForTheFirst()
    {
        var turnLock = new ActorTurnLock();
        var (_, first) = await turnLock.EnterAsync(null, 32, default);
        var second = turnLock.EnterAsync(null, 32, default).AsTask();
        Assert.False(second.IsCompleted);
        Assert.False(turnLock.TryEnter(out _));
        first.Dispose();
        var (outcome, turn) = await second;
        Assert.Equal(TurnOutcome.Entered, outcome);
        turn.Dispose();
        Assert.True(turnLock.TryEnter(out var free));
        free.Dispose();
    }

    [Fact]
    public async Task SameReentrancyIdEntersWhileHeld()
    {
        var turnLock = new ActorTurnLock();
        var (_, outer) = await turnLock.EnterAsync("chain-1", 32, default);
        var inner = turnLock.EnterAsync("chain-1", 32, default).AsTask();
        Assert.True(inner.IsCompleted);
        var other = turnLock.EnterAsync("chain-2", 32, default).AsTask();
        Assert.False(other.IsCompleted);
        (await inner).Turn.Dispose();
        Assert.False(other.IsCompleted); // the outer call still holds the turn
        outer.Dispose();
        (await other).Turn.Dispose();
    }

    [Fact]
    public async Task ReentrancyStopsAtMaxStackDepth()
    {
        var turnLock = new ActorTurnLock();
        var (_, t1) = await turnLock.EnterAsync("c", 2, default);
        var (o2, t2) = await turnLock.EnterAsync("c", 2, default);
        var (o3, _) = await turnLock.EnterAsync("c", 2, default);
        Assert.Equal(TurnOutcome.Entered, o2);
        Assert.Equal(TurnOutcome.StackTooDeep, o3);
        t2.Dispose();
        t1.Dispose();
    }

    [Fact]
    public async Task WaitingCallCanBeCancelled()
    {
        var turnLock = new ActorTurnLock();
        var (_, held) = await turnLock.EnterAsync(null, 32, default);
        using var cts = new CancellationTokenSource();
        var waiting = turnLock.EnterAsync(null, 32, cts.Token).AsTask();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        held.Dispose();
        Assert.True(turnLock.TryEnter(out var free));
        free.Dispose();
    }
}
