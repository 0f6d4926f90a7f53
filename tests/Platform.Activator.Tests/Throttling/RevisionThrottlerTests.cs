using Platform.Activator.Throttling;

namespace Platform.Activator.Tests.Throttling;

public class RevisionThrottlerTests
{
    private int _pokes;

    private RevisionThrottler Throttler(int cc, params string[] endpoints)
    {
        var t = new RevisionThrottler("default", "hello-00001", cc, 10, 10_000, _ => 0, _ => Interlocked.Increment(ref _pokes));
        t.Update(cc, RevisionTimeouts.Default, endpoints);
        return t;
    }

    [Fact]
    public async Task Free_slot_is_granted_synchronously()
    {
        var t = Throttler(1, "127.0.0.1:9001");
        var task = t.AcquireAsync(CancellationToken.None);
        Assert.True(task.IsCompletedSuccessfully);
        var got = await task;
        Assert.Equal(AcquireOutcome.Acquired, got.Outcome);
        Assert.Equal(1, t.State.InFlight);
    }

    [Fact]
    public async Task Waiters_are_served_in_order_as_slots_free()
    {
        var t = Throttler(1, "127.0.0.1:9001");
        var first = await t.AcquireAsync(CancellationToken.None);
        var second = t.AcquireAsync(CancellationToken.None).AsTask();
        var third = t.AcquireAsync(CancellationToken.None).AsTask();
        Assert.False(second.IsCompleted);
        Assert.Equal(2, t.State.Queued);

        t.Release(first.Replica!);
        var s = await second;
        Assert.Equal(AcquireOutcome.Acquired, s.Outcome);
        Assert.False(third.IsCompleted);
        t.Release(s.Replica!);
        Assert.Equal(AcquireOutcome.Acquired, (await third).Outcome);
        Assert.Equal(new ThrottlerState(1, 1, 0, 10, 1), t.State);
    }

    [Fact]
    public async Task Full_queue_refuses_at_once()
    {
        var t = Throttler(1, "127.0.0.1:9001");
        await t.AcquireAsync(CancellationToken.None);
        var queued = Enumerable.Range(0, 10).Select(_ => t.AcquireAsync(CancellationToken.None).AsTask()).ToList();
        var refused = t.AcquireAsync(CancellationToken.None);
        Assert.True(refused.IsCompleted);
        Assert.Equal(AcquireOutcome.QueueFull, (await refused).Outcome);
        Assert.All(queued, q => Assert.False(q.IsCompleted));
    }

    [Fact]
    public async Task Canceled_waiter_leaves_the_queue_and_takes_no_slot()
    {
        var t = Throttler(1, "127.0.0.1:9001");
        var first = await t.AcquireAsync(CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var waiting = t.AcquireAsync(cts.Token).AsTask();
        Assert.Equal(1, t.State.Queued);
        cts.Cancel();
        Assert.Equal(AcquireOutcome.Canceled, (await waiting).Outcome);
        Assert.Equal(0, t.State.Queued);
        t.Release(first.Replica!);
        Assert.Equal(0, t.State.InFlight);
    }

    [Fact]
    public async Task Already_canceled_token_ends_the_wait_at_once()
    {
        var t = Throttler(1);
        var got = await t.AcquireAsync(new CancellationToken(canceled: true));
        Assert.Equal(AcquireOutcome.Canceled, got.Outcome);
        Assert.Equal(0, t.State.Queued);
    }

    [Fact]
    public async Task Held_at_zero_until_an_endpoint_appears_and_pokes_once()
    {
        var t = Throttler(0);
        var held = Enumerable.Range(0, 3).Select(_ => t.AcquireAsync(CancellationToken.None).AsTask()).ToList();
        Assert.Equal(1, _pokes);
        Assert.All(held, h => Assert.False(h.IsCompleted));

        t.Update(0, RevisionTimeouts.Default, ["127.0.0.1:9001"]);
        foreach (var h in held) Assert.Equal(AcquireOutcome.Acquired, (await h).Outcome);
        Assert.Equal(3, t.State.InFlight);

        // Back to zero: the next stretch pokes again.
        t.Update(0, RevisionTimeouts.Default, []);
        _ = t.AcquireAsync(CancellationToken.None).AsTask();
        Assert.Equal(2, _pokes);
    }

    [Fact]
    public async Task Busy_revision_with_replicas_does_not_poke()
    {
        var t = Throttler(1, "127.0.0.1:9001");
        await t.AcquireAsync(CancellationToken.None);
        _ = t.AcquireAsync(CancellationToken.None).AsTask();
        Assert.Equal(0, _pokes);
    }

    [Fact]
    public async Task Retired_revision_ends_waiters()
    {
        var t = Throttler(1);
        var held = t.AcquireAsync(CancellationToken.None).AsTask();
        t.Retire();
        Assert.Equal(AcquireOutcome.RevisionGone, (await held).Outcome);
        Assert.Equal(AcquireOutcome.RevisionGone, (await t.AcquireAsync(CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task A_failure_with_no_ready_replica_ends_held_requests_at_once_and_later_ones_too()
    {
        var t = Throttler(0);
        var held = Enumerable.Range(0, 3).Select(_ => t.AcquireAsync(CancellationToken.None).AsTask()).ToList();
        Assert.Equal(1, _pokes);

        t.Update(0, RevisionTimeouts.Default, [], "ExitCode3: exited at start");
        foreach (var h in held) Assert.Equal(AcquireOutcome.RevisionFailed, (await h).Outcome);
        Assert.Equal(0, t.State.Queued);
        Assert.Equal("ExitCode3: exited at start", t.Failure);
        var later = t.AcquireAsync(CancellationToken.None);
        Assert.True(later.IsCompleted);
        Assert.Equal(AcquireOutcome.RevisionFailed, (await later).Outcome);
        Assert.Equal(2, _pokes); // a failed answer still pokes (the backend may succeed next time), at most once a second
        await t.AcquireAsync(CancellationToken.None);
        Assert.Equal(2, _pokes);
    }

    [Theory]
    [InlineData(true, false)] // a replica is ready: the failure (of further starts) does not stop serving
    [InlineData(false, true)] // the failure cleared: requests are held again
    public async Task A_failure_ends_requests_only_while_no_replica_is_ready(bool replica, bool cleared)
    {
        var t = Throttler(0);
        t.Update(0, RevisionTimeouts.Default, replica ? ["127.0.0.1:9001"] : [], cleared ? null : "ExitCode1: exited");
        var next = t.AcquireAsync(CancellationToken.None).AsTask();
        if (replica) Assert.Equal(AcquireOutcome.Acquired, (await next).Outcome);
        else
        {
            Assert.False(next.IsCompleted);
            t.Update(0, RevisionTimeouts.Default, ["127.0.0.1:9001"]);
            Assert.Equal(AcquireOutcome.Acquired, (await next).Outcome);
        }
    }

    [Fact]
    public async Task Raising_cc_releases_waiters()
    {
        var t = Throttler(1, "127.0.0.1:9001");
        await t.AcquireAsync(CancellationToken.None);
        var waiting = t.AcquireAsync(CancellationToken.None).AsTask();
        t.Update(2, RevisionTimeouts.Default, ["127.0.0.1:9001"]);
        Assert.Equal(AcquireOutcome.Acquired, (await waiting).Outcome);
    }

    [Fact]
    public async Task Concurrent_acquire_release_never_exceeds_cc_and_ends_empty()
    {
        var t = Throttler(3, "127.0.0.1:9001", "127.0.0.1:9002");
        var max = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, 2000), async (_, ct) =>
        {
            var a = await t.AcquireAsync(ct);
            Assert.Equal(AcquireOutcome.Acquired, a.Outcome);
            var n = t.State.InFlight;
            InterlockedMax(ref max, n);
            Assert.True(a.Replica!.InFlight <= 3);
            await Task.Yield();
            t.Release(a.Replica);
        });
        Assert.True(max <= 6, $"max in flight {max}");
        Assert.Equal(0, t.State.InFlight);
        Assert.Equal(0, t.State.Queued);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }

    [Fact]
    public async Task Serve_mode_ignores_the_cap_and_releases_the_queue_then_proxy_mode_caps_again()
    {
        var t = Throttler(1, "127.0.0.1:9001");
        var first = await t.AcquireAsync(CancellationToken.None);
        var queued = t.AcquireAsync(CancellationToken.None).AsTask();
        Assert.False(queued.IsCompleted);

        // Switching to Serve hands the queued request a replica at once, and later ones need no slot.
        t.Update(1, RevisionTimeouts.Default, ["127.0.0.1:9001"], mode: Platform.Serving.Contracts.Routing.ActivatorModes.Serve);
        Assert.Equal(AcquireOutcome.Acquired, (await queued).Outcome);
        var direct = t.AcquireAsync(CancellationToken.None).AsTask();
        Assert.True(direct.IsCompletedSuccessfully);
        Assert.True(t.State is { InFlight: 3, Queued: 0, Bypassed: 2, Mode: "Serve" }, t.State.ToString());

        t.Update(1, RevisionTimeouts.Default, ["127.0.0.1:9001"], mode: null);
        var capped = t.AcquireAsync(CancellationToken.None).AsTask();
        Assert.False(capped.IsCompleted);
        Assert.True(t.State is { Queued: 1, Mode: "Proxy" }, t.State.ToString());
        // Three slots are still taken on the one replica: the capped request waits until they are all returned.
        t.Release(first.Replica!);
        t.Release((await direct).Replica!);
        Assert.False(capped.IsCompleted);
        t.Release(first.Replica!);
        Assert.Equal(AcquireOutcome.Acquired, (await capped).Outcome);
    }
}
