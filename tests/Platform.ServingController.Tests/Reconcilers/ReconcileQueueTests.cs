using Platform.ServingController.Reconcilers;

namespace Platform.ServingController.Tests.Reconcilers;

/// <summary>The work queue's back-off holds whatever adds the key again (the hot loop of a failing revision).</summary>
public sealed class ReconcileQueueTests
{
    [Fact]
    public async Task A_failing_key_added_again_and_again_runs_only_when_its_back_off_ends()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var calls = 0;
        var queue = new ReconcileQueue("Revision", (_, _) => { Interlocked.Increment(ref calls); throw new InvalidOperationException("always fails"); },
            time, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        using var cts = new CancellationTokenSource();
        var running = queue.RunAsync(cts.Token);
        var key = new ObjectKey("default", "broken-00001");

        queue.Add(key);
        // The failure is counted when the call throws, its back-off a moment later: wait for both.
        await Until(() => Volatile.Read(ref calls) == 1 && queue.BackingOff == 1);
        // Its own workload's status changes and the resync keep adding it: nothing runs before the 100 ms back-off.
        for (var i = 0; i < 100; i++) queue.Add(key);
        await Task.Yield();
        Assert.Equal(1, Volatile.Read(ref calls));
        Assert.Equal(1, queue.BackingOff);

        time.Advance(TimeSpan.FromMilliseconds(100));
        await Until(() => Volatile.Read(ref calls) == 2 && queue.BackingOff == 1);
        // Second failure: 200 ms.
        for (var i = 0; i < 100; i++) queue.Add(key);
        time.Advance(TimeSpan.FromMilliseconds(150));
        Assert.Equal(2, Volatile.Read(ref calls));
        time.Advance(TimeSpan.FromMilliseconds(50));
        await Until(() => Volatile.Read(ref calls) == 3);
        Assert.Equal(3, Volatile.Read(ref calls));

        await cts.CancelAsync();
        await running.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s");
            await Task.Delay(5);
        }
    }
}
