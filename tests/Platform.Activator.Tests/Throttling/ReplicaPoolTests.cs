using Platform.Activator.Throttling;

namespace Platform.Activator.Tests.Throttling;

public class ReplicaPoolTests
{
    [Theory]
    [InlineData(0, 0, 10_000)]
    [InlineData(0, 5, 10_000)]
    [InlineData(1, 0, 10)]
    [InlineData(1, 1, 10)]
    [InlineData(1, 3, 30)]
    [InlineData(10, 2, 200)]
    public void Queue_depth_is_ten_times_cc_per_replica(int cc, int replicas, int want) =>
        Assert.Equal(want, ReplicaPool.QueueDepth(cc, replicas, 10, 10_000));

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(0, 2, int.MaxValue)]
    [InlineData(1, 3, 3)]
    [InlineData(10, 2, 20)]
    public void Capacity_is_cc_times_replicas(int cc, int replicas, int want)
    {
        var pool = new ReplicaPool(cc, _ => 0);
        pool.SetEndpoints(Enumerable.Range(1, replicas).Select(i => $"127.0.0.1:{9000 + i}").ToList(), 0);
        Assert.Equal(want, pool.Capacity);
    }

    [Fact]
    public void At_most_cc_in_flight_per_replica()
    {
        var pool = new ReplicaPool(2, _ => 0);
        pool.SetEndpoints(["127.0.0.1:9001", "127.0.0.1:9002"], 0);
        var taken = Enumerable.Range(0, 5).Select(_ => pool.TryAcquire()).ToList();
        Assert.Null(taken[4]);
        Assert.All(pool.Replicas, r => Assert.Equal(2, r.InFlight));
        ReplicaPool.Release(taken[0]!);
        Assert.Same(taken[0], pool.TryAcquire());
    }

    [Fact]
    public void Kept_replicas_keep_their_slots_across_endpoint_updates()
    {
        var pool = new ReplicaPool(1, _ => 0);
        pool.SetEndpoints(["127.0.0.1:9001"], 0);
        var first = pool.TryAcquire()!;
        pool.SetEndpoints(["127.0.0.1:9001", "127.0.0.1:9002"], 0);
        Assert.Same(first, pool.Replicas[0]);
        Assert.Equal(1, pool.Replicas[0].InFlight);
        Assert.Equal("127.0.0.1:9002", pool.TryAcquire()!.Endpoint);
        Assert.Null(pool.TryAcquire());

        pool.SetEndpoints(["127.0.0.1:9002"], 0); // 9001 goes while busy: releasing it later is harmless
        ReplicaPool.Release(first);
        Assert.Equal(1, pool.InFlight);
    }

    public static TheoryData<string, long, string[], string> Refusals => new()
    {
        // label, when the update comes (ms after the refusal), endpoints it lists, ready replicas after it
        { "a lagging update still listing it", 100, ["127.0.0.1:9001", "127.0.0.1:9002"], "127.0.0.1:9002" },
        { "the same update once the refusal expired", ReplicaPool.RefusalMilliseconds, ["127.0.0.1:9001", "127.0.0.1:9002"], "127.0.0.1:9001,127.0.0.1:9002" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_replica_that_refused_stays_out_of_lagging_updates(string label, long after, string[] endpoints, string want)
    {
        var pool = new ReplicaPool(1, _ => 0);
        pool.SetEndpoints(["127.0.0.1:9001", "127.0.0.1:9002"], 1_000);
        pool.Evict(pool.Replicas[0], 1_000);
        pool.SetEndpoints(endpoints, 1_000 + after);
        Assert.True(want == string.Join(',', pool.Replicas.Select(r => r.Endpoint)), label);
    }

    [Fact]
    public void Once_an_update_no_longer_lists_it_a_later_listing_is_a_new_replica_at_once()
    {
        var pool = new ReplicaPool(1, _ => 0);
        pool.SetEndpoints(["127.0.0.1:9001", "127.0.0.1:9002"], 0);
        pool.Evict(pool.Replicas[0], 0);
        pool.SetEndpoints(["127.0.0.1:9002"], 10);
        pool.SetEndpoints(["127.0.0.1:9001", "127.0.0.1:9002"], 20);
        Assert.Equal(["127.0.0.1:9001", "127.0.0.1:9002"], pool.Replicas.Select(r => r.Endpoint));
    }
}
