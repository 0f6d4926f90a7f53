using Platform.Sidecar.Actors.Placement;
using Platform.Sidecar.Core.Discovery;

namespace Platform.Sidecar.Actors.Tests.Placement;

public sealed class ActorPlacementTests
{
    private static AppInstance Instance(string id, params string[] types) =>
        new("app", id, $"http://127.0.0.1/{id}", $"http://127.0.0.1/{id}/grpc", types);

    public static TheoryData<string, AppInstance[], string[]> Hosts => new()
    {
        // label, instances, instance ids allowed to win
        { "nobody", [], [] },
        { "nobody hosts the type", [Instance("a", "Other")], [] },
        { "the only host", [Instance("a", "Counter")], ["a"] },
        { "only instances listing the type", [Instance("a", "Other"), Instance("b", "Counter", "Other")], ["b"] },
        { "any of the hosts", [Instance("a", "Counter"), Instance("b", "Counter"), Instance("c")], ["a", "b"] },
    };

    [Theory]
    [MemberData(nameof(Hosts))]
    public void ChoosesAHostOfTheType(string label, AppInstance[] instances, string[] allowed)
    {
        var chosen = ActorPlacement.Choose("Counter", "42", instances);
        if (allowed.Length == 0) Assert.True(chosen is null, label);
        else Assert.True(chosen is not null && allowed.Contains(chosen.InstanceId), $"{label}: got {chosen?.InstanceId}");
    }

    [Fact]
    public void IsStableRegardlessOfListOrder()
    {
        AppInstance[] forward = [Instance("a", "T"), Instance("b", "T"), Instance("c", "T")];
        var backward = forward.Reverse().ToArray();
        for (var i = 0; i < 200; i++)
            Assert.Equal(ActorPlacement.Choose("T", $"id-{i}", forward)!.InstanceId, ActorPlacement.Choose("T", $"id-{i}", backward)!.InstanceId);
    }

    [Fact]
    public void SpreadsActorsOverHosts()
    {
        AppInstance[] instances = [Instance("a", "T"), Instance("b", "T"), Instance("c", "T")];
        var counts = Enumerable.Range(0, 3000).GroupBy(i => ActorPlacement.Choose("T", $"id-{i}", instances)!.InstanceId).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(3, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 800, 1200));
    }

    [Fact]
    public void MovesOnlyActorsTheNewHostWins()
    {
        AppInstance[] before = [Instance("a", "T"), Instance("b", "T")];
        AppInstance[] after = [.. before, Instance("c", "T")];
        var moved = 0;
        for (var i = 0; i < 1000; i++)
        {
            var was = ActorPlacement.Choose("T", $"id-{i}", before)!.InstanceId;
            var now = ActorPlacement.Choose("T", $"id-{i}", after)!.InstanceId;
            if (was == now) continue;
            Assert.Equal("c", now);
            moved++;
        }
        Assert.InRange(moved, 200, 480);
    }

    [Fact]
    public void ScoreIsAPureFunctionOfItsInputs()
    {
        Assert.Equal(ActorPlacement.Score("T", "1", "a"), ActorPlacement.Score("T", "1", "a"));
        Assert.NotEqual(ActorPlacement.Score("T", "1", "a"), ActorPlacement.Score("T", "1", "b"));
        // The separator keeps ("T1", "") and ("T", "1") apart.
        Assert.NotEqual(ActorPlacement.Score("T1", "", "a"), ActorPlacement.Score("T", "1", "a"));
    }
}
