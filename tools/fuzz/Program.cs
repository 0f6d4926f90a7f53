using System.Globalization;
using Platform.Fuzz;

// platform-fuzz TARGET --afl                 under afl-fuzz: reads one input per run through SharpFuzz
// platform-fuzz TARGET [--mutate N] [--seed S] [--corpus DIR]   a mutation run; exit 1 on any finding
// platform-fuzz all ...                      every target
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("""
        usage: platform-fuzz <target|all> [--mutate N] [--seed S] [--corpus DIR] | <target> --afl
          targets: yaml (Knative YAML/JSON reader), cloudevent (CloudEvents over HTTP), cesql (CESQL parser)
          --mutate N   inputs to try (default 20000); the seeds are tests/corpus/<folder> and built-in ones
          --afl        run under afl-fuzz (instrument first: sharpfuzz platform-fuzz.dll Platform.Resources.dll ...;
                       then afl-fuzz -i tests/corpus/api -o findings -t 5000 -m none dotnet platform-fuzz.dll yaml --afl)
        """);
    return args.Length == 0 ? 2 : 0;
}

string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
var targets = args[0] == "all" ? FuzzTargets.All : FuzzTargets.All.Where(t => t.Name == args[0]).ToList();
if (targets.Count == 0)
{
    Console.Error.WriteLine($"error: unknown target \"{args[0]}\"; use {string.Join(", ", FuzzTargets.All.Select(t => t.Name))} or all");
    return 2;
}

if (args.Contains("--afl"))
{
    var target = targets[0];
    SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        target.Run(buffer.ToArray());
    });
    return 0;
}

var iterations = int.Parse(Option("--mutate") ?? "20000", CultureInfo.InvariantCulture);
var seed = int.Parse(Option("--seed") ?? "1", CultureInfo.InvariantCulture);
var corpus = Option("--corpus") ?? Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "tests", "corpus");
var failed = false;
foreach (var target in targets)
{
    var seeds = Seeds.For(target, corpus);
    var report = MutationRun.Run(target, seeds, iterations, seed);
    Console.WriteLine($"{report.Target}: {report.Inputs} inputs from {seeds.Count} seeds, {report.Crashes} finding(s)");
    if (report.FirstCrash is { } crash)
    {
        failed = true;
        var file = Path.Combine(Path.GetTempPath(), $"platform-fuzz-{target.Name}-{seed}.bin");
        File.WriteAllBytes(file, crash.Input);
        Console.WriteLine($"  first: {crash.Error.GetType().Name}: {crash.Error.Message} (input saved to {file})");
    }
}
return failed ? 1 : 0;
