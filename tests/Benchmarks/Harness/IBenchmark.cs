namespace Platform.Benchmarks.Harness;

/// <summary>
/// A load benchmark: measures a Platform path and a baseline in the same run (interleaved, so that load from
/// elsewhere on the machine hits both alike), and prints both with their ratio. Implementations are found by
/// reflection; run one with <c>dotnet run -c Release --project tests/Benchmarks -- NAME</c>.
/// </summary>
public interface IBenchmark
{
    /// <summary>Short name used on the command line, e.g. <c>sidecar-pubsub</c>.</summary>
    string Name { get; }

    /// <summary>One line: what it measures and against which baseline.</summary>
    string Description { get; }

    /// <summary>Runs the benchmark, prints its results and records its headline figures in <see cref="BenchmarkOptions.Report"/>.</summary>
    Task RunAsync(BenchmarkOptions options, CancellationToken cancellationToken);
}

/// <summary>How a benchmark run is sized, and where it reports its figures.</summary>
/// <param name="Short">True in CI: fewer iterations, same shape.</param>
public sealed record BenchmarkOptions(bool Short)
{
    /// <summary>The figures of this run of one benchmark (a fresh report per benchmark).</summary>
    public BenchmarkReport Report { get; init; } = new();
}
