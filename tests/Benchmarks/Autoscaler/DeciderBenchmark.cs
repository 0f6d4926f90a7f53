using System.Diagnostics;
using Platform.Autoscaler.Metrics;
using Platform.Autoscaler.Scaling;
using Platform.Benchmarks.Harness;
using Platform.Serving.Contracts.Revisions;
using Platform.Serving.Contracts.Stats;

namespace Platform.Benchmarks.Autoscaler;

/// <summary>
/// The KPA decider for 10,000 revisions on one thread: one 2-second tick = two 1-second stats recorded and one
/// decision per revision. Baseline: the same loop recording the same stats into the same windows, then only
/// ceil(last value ÷ target) instead of the decider. Goal: ≤ 100 ms per tick.
/// </summary>
public sealed class DeciderBenchmark : IBenchmark
{
    private const int Revisions = 10_000;

    /// <inheritdoc />
    public string Name => "kpa-decider";

    /// <inheritdoc />
    public string Description => "10,000 revisions: record + decide per 2 s tick on one thread vs record + ceil(avg/target)";

    /// <inheritdoc />
    public Task RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var ticks = options.Short ? 30 : 300;
        var start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var defaults = new AutoscalerDefaults();
        var specs = new[]
        {
            DeciderSpec.Resolve(defaults, new RevisionScalingSpec { ContainerConcurrency = 10 }),
            DeciderSpec.Resolve(defaults, new RevisionScalingSpec { Annotations = new() { Metric = "rps" } }),
            DeciderSpec.Resolve(defaults, new RevisionScalingSpec { ContainerConcurrency = 50, Annotations = new() { ScaleDownDelay = TimeSpan.FromMinutes(5), MinScale = 1 } }),
        };

        var autoscalers = new RevisionAutoscaler[Revisions];
        var baseline = new (BucketWindow Window, double Target)[Revisions];
        var stats = new RevisionStat[Revisions];
        for (var i = 0; i < Revisions; i++)
        {
            var spec = specs[i % specs.Length];
            var key = new RevisionKey("bench", $"rev-{i:D5}");
            autoscalers[i] = new RevisionAutoscaler(key, spec, start);
            baseline[i] = (new BucketWindow(spec.StableSeconds, spec.PanicSeconds), spec.TargetValue);
            stats[i] = new RevisionStat(key.Namespace, key.Name, default, 5 + i % 97, 10 + i % 53);
        }

        // Fill the stable windows first (60 s of data), so that every tick averages full windows.
        var second = 0;
        for (; second < 60; second++)
        {
            var now = start.AddSeconds(second);
            for (var i = 0; i < Revisions; i++)
            {
                autoscalers[i].Record(stats[i], now);
                baseline[i].Window.Record(now.ToUnixTimeSeconds(), stats[i].AverageConcurrency);
            }
        }

        var deciderMs = new List<double>(ticks);
        var baselineMs = new List<double>(ticks);
        long deciderAllocated = 0, baselineAllocated = 0;
        var checksum = 0L;
        for (var tick = 0; tick < ticks && !cancellationToken.IsCancellationRequested; tick++, second += 2)
        {
            // Alternate the order so that neither loop always runs on a warmer cache.
            if (tick % 2 == 0)
            {
                checksum += RunDecider(autoscalers, stats, start, second, deciderMs, ref deciderAllocated);
                checksum += RunBaseline(baseline, stats, start, second, baselineMs, ref baselineAllocated);
            }
            else
            {
                checksum += RunBaseline(baseline, stats, start, second, baselineMs, ref baselineAllocated);
                checksum += RunDecider(autoscalers, stats, start, second, deciderMs, ref deciderAllocated);
            }
        }

        // The first ticks include JIT: report the steady state.
        var skip = Math.Min(5, deciderMs.Count / 5);
        var d = Summary(deciderMs.Skip(skip).ToList());
        var b = Summary(baselineMs.Skip(skip).ToList());
        var inPanic = autoscalers.Count(a => a.InPanic);
        Console.WriteLine($"  revisions {Revisions}, ticks {deciderMs.Count - skip} (after {skip} warm-up), panicking at end {inPanic}, checksum {checksum}");
        Console.WriteLine($"  decider  per tick: mean {d.Mean:F2} ms  p50 {d.P50:F2} ms  max {d.Max:F2} ms  ({d.Mean * 1000 / Revisions:F2} µs/revision, {deciderAllocated / (double)ticks / Revisions:F1} B/revision/tick)");
        Console.WriteLine($"  baseline per tick: mean {b.Mean:F2} ms  p50 {b.P50:F2} ms  max {b.Max:F2} ms  ({baselineAllocated / (double)ticks / Revisions:F1} B/revision/tick)");
        Console.WriteLine($"  ratio decider/baseline (mean): {d.Mean / b.Mean:F2}x   goal ≤ 100 ms per tick: {(d.Max <= 100 ? "met" : d.Mean <= 100 ? "met on mean, not max" : "NOT met")}");
        options.Report.Baseline("the same loop recording the same stats into the same windows, without deciding; interleaved tick by tick");
        options.Report.Figure("decider max per tick", d.Max, "ms", Goal.Max(100));
        options.Report.Figure("decider mean per tick", d.Mean, "ms");
        options.Report.Figure("ratio decider/baseline (mean)", d.Mean / b.Mean, "x");
        return Task.CompletedTask;
    }

    private static long RunDecider(RevisionAutoscaler[] autoscalers, RevisionStat[] stats, DateTimeOffset start, int second, List<double> times, ref long allocated)
    {
        var first = start.AddSeconds(second);
        var next = start.AddSeconds(second + 1);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var began = Stopwatch.GetTimestamp();
        long sum = 0;
        for (var i = 0; i < autoscalers.Length; i++)
        {
            var autoscaler = autoscalers[i];
            autoscaler.Record(stats[i], first);
            autoscaler.Record(stats[i], next);
            autoscaler.ReportReady(autoscaler.CurrentScale, next);
            sum += autoscaler.Decide(next).DesiredScale;
        }
        times.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
        allocated += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        return sum;
    }

    private static long RunBaseline((BucketWindow Window, double Target)[] baseline, RevisionStat[] stats, DateTimeOffset start, int second, List<double> times, ref long allocated)
    {
        var first = start.AddSeconds(second).ToUnixTimeSeconds();
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var began = Stopwatch.GetTimestamp();
        long sum = 0;
        for (var i = 0; i < baseline.Length; i++)
        {
            var (window, target) = baseline[i];
            window.Record(first, stats[i].RecordedConcurrency);
            window.Record(first + 1, stats[i].RecordedConcurrency);
            sum += (long)Math.Ceiling(stats[i].RecordedConcurrency / target);
        }
        times.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
        allocated += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        return sum;
    }

    private static (double Mean, double P50, double Max) Summary(List<double> values)
    {
        var sorted = values.Order().ToList();
        return (values.Average(), sorted[sorted.Count / 2], sorted[^1]);
    }
}
