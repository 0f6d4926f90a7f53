using Platform.Activator.LoadBalancing;

namespace Platform.Activator.Tests.LoadBalancing;

public class ReplicaPickerTests
{
    private static List<Replica> Replicas(params int[] inFlight) =>
        inFlight.Select((n, i) => new Replica($"r{i}:80", $"http://r{i}:80") { InFlight = n }).ToList();

    [Theory]
    [InlineData(0, nameof(LoadBalancingPolicy.BestOfTwo))]
    [InlineData(1, nameof(LoadBalancingPolicy.FirstAvailable))]
    [InlineData(3, nameof(LoadBalancingPolicy.FirstAvailable))]
    [InlineData(4, nameof(LoadBalancingPolicy.RoundRobin))]
    [InlineData(1000, nameof(LoadBalancingPolicy.RoundRobin))]
    public void Policy_follows_container_concurrency(int cc, string want) =>
        Assert.Equal(want, ReplicaPicker.PolicyFor(cc).ToString());

    [Theory]
    // label, in-flight per replica, cc, random draws (a, b), round-robin cursor, want index (-1 = none), want cursor
    [InlineData("best of two: second is less loaded", new[] { 5, 1, 9 }, 0, new[] { 0, 0 }, 0, 1, 0)]
    [InlineData("best of two: first is less loaded", new[] { 5, 1, 0 }, 0, new[] { 2, 0 }, 0, 2, 0)]
    [InlineData("best of two: tie keeps first draw", new[] { 3, 3 }, 0, new[] { 1, 0 }, 0, 1, 0)]
    [InlineData("best of two: second draw skips the first", new[] { 4, 4, 2 }, 0, new[] { 1, 1 }, 0, 2, 0)]
    [InlineData("best of two: single replica", new[] { 100 }, 0, new int[0], 0, 0, 0)]
    [InlineData("first available: first free", new[] { 1, 0, 0 }, 1, new int[0], 0, 1, 0)]
    [InlineData("first available: packs the first", new[] { 1, 2, 0 }, 3, new int[0], 0, 0, 0)]
    [InlineData("first available: none free", new[] { 3, 3 }, 3, new int[0], 0, -1, 0)]
    [InlineData("round robin: from the cursor", new[] { 0, 0, 0 }, 4, new int[0], 1, 1, 2)]
    [InlineData("round robin: skips full replicas", new[] { 0, 4, 4 }, 4, new int[0], 1, 0, 1)]
    [InlineData("round robin: wraps", new[] { 0, 0, 0 }, 4, new int[0], 3, 0, 1)]
    [InlineData("round robin: none free", new[] { 4, 4 }, 4, new int[0], 0, -1, 0)]
    [InlineData("no replicas", new int[0], 0, new int[0], 0, -1, 0)]
    public void Pick(string label, int[] inFlight, int cc, int[] draws, int cursor, int want, int wantCursor)
    {
        var replicas = Replicas(inFlight);
        var d = 0;
        var got = ReplicaPicker.Pick(replicas, cc, n => draws[d++] % n, ref cursor);
        var gotIndex = got is null ? -1 : replicas.IndexOf(got);
        Assert.True(want == gotIndex && wantCursor == cursor, $"{label}: want {want} (cursor {wantCursor}), got {gotIndex} (cursor {cursor})");
    }

    [Fact]
    public void Round_robin_spreads_evenly()
    {
        var replicas = Replicas(0, 0, 0);
        var cursor = 0;
        var picks = Enumerable.Range(0, 9).Select(_ => replicas.IndexOf(ReplicaPicker.Pick(replicas, 10, _ => 0, ref cursor)!)).ToList();
        Assert.Equal([0, 1, 2, 0, 1, 2, 0, 1, 2], picks);
    }

    [Fact]
    public void Best_of_two_always_draws_two_distinct_replicas()
    {
        var replicas = Replicas(0, 0);
        replicas[0].InFlight = 1;
        var cursor = 0;
        // Both raw draws 0: the second must be shifted to the other replica, which is less loaded.
        Assert.Same(replicas[1], ReplicaPicker.Pick(replicas, 0, _ => 0, ref cursor));
    }
}
