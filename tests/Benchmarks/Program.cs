using System.Reflection;
using Platform.Benchmarks.Harness;

// Benchmarks: `dotnet run -c Release --project tests/Benchmarks -- [NAME ...|all] [--short]`.
var benchmarks = Assembly.GetExecutingAssembly().GetTypes()
    .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name)
    .ToList();
var shortRun = args.Contains("--short");
var names = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
if (names.Count == 0 || names.Contains("--help"))
{
    Console.WriteLine("usage: dotnet run -c Release --project tests/Benchmarks -- NAME... | all [--short]");
    foreach (var b in benchmarks) Console.WriteLine($"  {b.Name,-24} {b.Description}");
    return names.Count == 0 ? 0 : 2;
}
var selected = names.Contains("all") ? benchmarks : benchmarks.Where(b => names.Contains(b.Name)).ToList();
var unknown = names.Where(n => n != "all" && benchmarks.All(b => b.Name != n)).ToList();
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"unknown benchmark(s): {string.Join(", ", unknown)}; run without arguments for the list");
    return 2;
}
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
var summaries = new List<string>();
var failed = 0;
foreach (var benchmark in selected)
{
    if (cts.IsCancellationRequested) break;
    Console.WriteLine($"== {benchmark.Name}: {benchmark.Description}");
    var options = new BenchmarkOptions(shortRun);
    Exception? failure = null;
    try
    {
        await benchmark.RunAsync(options, cts.Token);
    }
    catch (Exception e) when (!cts.IsCancellationRequested)
    {
        // One benchmark throwing must not cancel the others: report it and go on.
        failure = e;
        failed++;
        Console.WriteLine($"  FAILED: {e}");
    }
    var summary = options.Report.SummaryLine(benchmark.Name, failure);
    summaries.Add(summary);
    Console.WriteLine(summary);
}
// All summary lines together at the end, one per benchmark, for tools that track regressions.
Console.WriteLine($"== summary ({selected.Count} benchmark(s), {failed} failed)");
foreach (var s in summaries) Console.WriteLine(s);
return failed == 0 ? 0 : 1;
