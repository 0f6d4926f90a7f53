using CsCheck;
using Platform.Activator.Routing;
using Platform.Serving.Contracts.Routing;

namespace Platform.Activator.Tests.Properties;

/// <summary>The percent split, over random target lists whose percents sum to 100.</summary>
public sealed class TrafficSplitProperties
{
    /// <summary>1-8 targets; percents are a random partition of 100 (some may be 0).</summary>
    private static readonly Gen<RouteTarget[]> Targets = Gen.Int[1, 8].SelectMany(n => Gen.Int[0, 100].Array[n - 1].Select(cuts =>
    {
        var bounds = cuts.Append(0).Append(100).Order().ToArray();
        return Enumerable.Range(0, n).Select(i => new RouteTarget { RevisionName = $"r-{i:00000}", Percent = bounds[i + 1] - bounds[i] }).ToArray();
    }));

    [Fact]
    public void Over_the_hundred_rolls_each_revision_is_picked_exactly_its_percent_and_zero_never() =>
        Targets.Sample(targets =>
        {
            var split = TrafficSplit.From(targets);
            var picks = Enumerable.Range(0, 100).Select(split.Pick).GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count());
            return targets.All(t => picks.GetValueOrDefault(t.RevisionName!) == t.Percent);
        });

    [Fact]
    public void A_roll_past_the_last_band_still_picks_a_revision_with_a_share() =>
        Gen.Select(Targets, Gen.Int[100, int.MaxValue]).Sample(t =>
        {
            var (targets, roll) = t;
            var picked = TrafficSplit.From(targets).Pick(roll);
            return targets.Any(x => x.RevisionName == picked && (x.Percent > 0 || targets.All(y => y.Percent == 0)));
        });
}
