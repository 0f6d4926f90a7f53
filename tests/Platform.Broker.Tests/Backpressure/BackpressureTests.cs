using Platform.Broker.Backpressure;

namespace Platform.Broker.Tests.Backpressure;

public class BackpressureTests
{
    // label; revisions as "percent:cc:ready" (cc or ready '-' = unknown); want (-1 = no cap)
    [Theory]
    [InlineData("one revision cc 10, 3 ready", "100:10:3", 30)]
    [InlineData("at zero counts as one replica (the activator holds that one)", "100:4:0", 4)]
    [InlineData("ready unknown counts as one", "100:4:-", 4)]
    [InlineData("a 50/50 split adds both", "50:10:2,50:5:1", 25)]
    [InlineData("a revision without traffic is not counted", "100:10:1,0:1:9", 10)]
    [InlineData("containerConcurrency 0 is unlimited", "100:0:3", -1)]
    [InlineData("containerConcurrency unknown (no PodAutoscaler) is no cap", "100:-:3", -1)]
    [InlineData("no traffic yet is no cap", "", -1)]
    public void Capacity_of_a_knative_service(string label, string revisions, int want)
    {
        var parsed = revisions.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r =>
        {
            var p = r.Split(':');
            return new RevisionCapacity(long.Parse(p[0]), p[1] == "-" ? null : long.Parse(p[1]), p[2] == "-" ? null : int.Parse(p[2]));
        }).ToList();
        Assert.True((want < 0 ? null : (int?)want) == SubscriberCapacity.Of(parsed), label);
    }

    // default, annotation (-1 none), capacity (-1 none) → max in flight, why
    [Theory]
    [InlineData(10, -1, -1, 10, "default")]
    [InlineData(10, 50, -1, 50, "annotation")]
    [InlineData(10, 2, -1, 2, "annotation")]
    [InlineData(10, 50, 30, 30, "subscriber capacity")]
    [InlineData(10, -1, 4, 4, "subscriber capacity")]
    [InlineData(10, -1, 40, 10, "default")] // capacity caps, it does not raise
    public void Limits_take_the_annotation_or_default_never_above_capacity(int defaultMax, int annotated, int capacity, int want, string why)
    {
        var limits = DeliveryLimits.From(defaultMax, annotated < 0 ? null : annotated, null, capacity < 0 ? null : capacity);
        Assert.Equal((want, why), (limits.MaxInFlight, limits.Why));
    }

    [Fact]
    public async Task The_gate_lets_in_at_most_the_limit_and_a_raised_limit_lets_waiting_events_in()
    {
        var gate = new DeliveryGate(new DeliveryLimits(2, null, "test"), TimeProvider.System);
        await gate.EnterAsync(CancellationToken.None);
        await gate.EnterAsync(CancellationToken.None);
        var third = gate.EnterAsync(CancellationToken.None).AsTask();
        Assert.False(third.IsCompleted);
        Assert.Equal(2, gate.InFlight);
        gate.Set(new DeliveryLimits(3, null, "raised"));
        await third.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, gate.InFlight);

        gate.Set(new DeliveryLimits(1, null, "lowered"));
        var fourth = gate.EnterAsync(CancellationToken.None).AsTask();
        gate.Exit();
        gate.Exit();
        Assert.False(fourth.IsCompleted); // still one in flight: at the lowered limit
        var idle = gate.WhenIdleAsync();
        gate.Exit();
        await fourth.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(idle.IsCompleted); // the fourth took the slot
        gate.Exit();
        await idle.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_cancelled_waiter_gives_up_its_place_without_taking_a_slot()
    {
        var gate = new DeliveryGate(new DeliveryLimits(1, null, "test"), TimeProvider.System);
        await gate.EnterAsync(CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var waiting = gate.EnterAsync(cts.Token).AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        gate.Exit();
        Assert.Equal(0, gate.InFlight);
    }

    [Fact]
    public async Task The_rate_spaces_starts_evenly()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var gate = new DeliveryGate(new DeliveryLimits(100, 2, "test"), time); // 2 per second: 500 ms apart
        await gate.EnterAsync(CancellationToken.None); // the first goes at once
        var second = gate.EnterAsync(CancellationToken.None).AsTask();
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await second.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
