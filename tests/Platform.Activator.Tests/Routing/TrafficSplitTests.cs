using Platform.Activator.Routing;
using Platform.Serving.Contracts.Routing;

namespace Platform.Activator.Tests.Routing;

public class TrafficSplitTests
{
    private static TrafficSplit Split(string spec) => TrafficSplit.From(spec.Split(',').Select(part =>
    {
        // "rev=percent" or "rev=percent@tag"
        var (target, tag) = part.Contains('@') ? (part.Split('@')[0], part.Split('@')[1]) : (part, null);
        var kv = target.Split('=');
        return new RouteTarget { RevisionName = kv[0], Percent = int.Parse(kv[1]), Tag = tag };
    }).ToList());

    [Theory]
    [InlineData("only 100", "a=100", 0, "a")]
    [InlineData("only 100, top roll", "a=100", 99, "a")]
    [InlineData("50/50 low", "a=50,b=50", 49, "a")]
    [InlineData("50/50 high", "a=50,b=50", 50, "b")]
    [InlineData("0% first never picked", "a=0,b=100", 0, "b")]
    [InlineData("0% middle never picked", "a=30,b=0,c=70", 30, "c")]
    [InlineData("0% last never picked", "a=100,b=0", 99, "a")]
    [InlineData("1% band", "a=1,b=99", 0, "a")]
    [InlineData("1% band ends", "a=1,b=99", 1, "b")]
    [InlineData("three way", "a=20,b=30,c=50", 49, "b")]
    [InlineData("tagged 0% target", "a=100,b=0@candidate", 99, "a")]
    public void Pick_follows_the_percent_bands(string label, string spec, int roll, string want)
    {
        Assert.True(Split(spec).Pick(roll) == want, $"{label}: roll {roll} over {spec} want {want} got {Split(spec).Pick(roll)}");
    }

    [Fact]
    public void Zero_percent_targets_are_never_picked_over_every_roll()
    {
        var split = Split("a=0,b=40,c=0,d=60,e=0");
        var picked = Enumerable.Range(0, 100).Select(split.Pick).ToList();
        Assert.Equal(40, picked.Count(p => p == "b"));
        Assert.Equal(60, picked.Count(p => p == "d"));
        Assert.DoesNotContain("a", picked);
        Assert.DoesNotContain("c", picked);
        Assert.DoesNotContain("e", picked);
    }

    [Theory]
    [InlineData("a=50,b=50@candidate", "candidate", "b")]
    [InlineData("a=100@current,b=0@candidate", "current", "a")]
    [InlineData("a=100@current,b=0@candidate", "CANDIDATE", "b")]
    [InlineData("a=100", "candidate", null)]
    public void Tags_reach_their_own_target(string spec, string tag, string? want)
    {
        Assert.Equal(want, Split(spec).ForTag(tag));
    }
}
