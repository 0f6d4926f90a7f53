using System.Diagnostics;
using Xunit.Abstractions;

namespace Platform.Fuzz.Tests;

/// <summary>
/// CI's short fuzz run: 20,000 mutated inputs per target from a fixed seed (so a finding reproduces with
/// <c>platform-fuzz TARGET --seed 20261203</c>); longer runs under afl-fuzz are described in tools/fuzz/README.md.
/// </summary>
public sealed class ShortFuzzRunTests(ITestOutputHelper output)
{
    private const int Seed = 20261203;
    private static readonly string Corpus = Path.Combine(Platform.Testing.Builds.Root, "tests", "corpus");

    public static TheoryData<string> Targets => new(FuzzTargets.All.Select(t => t.Name));

    [Theory]
    [MemberData(nameof(Targets))]
    public void Twenty_thousand_mutated_inputs_find_nothing(string name)
    {
        var target = FuzzTargets.All.Single(t => t.Name == name);
        var seeds = Seeds.For(target, Corpus);
        var clock = Stopwatch.StartNew();
        var report = MutationRun.Run(target, seeds, 20_000, Seed);
        Record(report, seeds.Count, clock.Elapsed);
        Assert.True(report.FirstCrash is null,
            $"{report.Crashes} finding(s); first: {report.FirstCrash?.Error}\ninput: {Convert.ToBase64String(report.FirstCrash?.Input ?? [])}");
    }

    [Fact]
    public void The_seeds_include_the_corpus_and_mutation_is_reproducible()
    {
        Assert.True(Seeds.For(FuzzTargets.All.Single(t => t.Name == "yaml"), Corpus).Count > 20);
        var seed = "apiVersion: v1\n"u8.ToArray();
        Assert.Equal(MutationRun.Mutate(seed, seed, new Random(7)), MutationRun.Mutate(seed, seed, new Random(7)));
    }

    private void Record(MutationReport report, int seeds, TimeSpan took) => output.WriteLine(Platform.Testing.Figures.Append("fuzz",
        ["TARGET", "SEEDS", "INPUTS", "FINDINGS", "TOOK"], [report.Target, $"{seeds}", $"{report.Inputs}", $"{report.Crashes}", $"{took.TotalSeconds:0.0} s"]));
}
