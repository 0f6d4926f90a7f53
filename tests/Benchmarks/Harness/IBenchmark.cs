namespace Platform.Benchmarks.Harness;

/// <summary>
/// A load benchmark: measures a Platform path and a baseline in the same run, and prints both with their ratio.
/// Implementations are found by reflection; run one with <c>dotnet run -c Release --project tests/Benchmarks -- NAME</c>.
/// </summary>
public interface IBenchmark
{
    /// <summary>Short name used on the command line, e.g. <c>sidecar-pubsub</c>.</summary>
    string Name { get; }

    /// <summary>One line: what it measures and against which baseline.</summary>
    string Description { get; }

    /// <summary>Runs the benchmark and prints its results; <paramref name="options"/> says how long.</summary>
    Task RunAsync(BenchmarkOptions options, CancellationToken cancellationToken);
}

/// <summary>How a benchmark run is sized.</summary>
/// <param name="Short">True in CI: fewer iterations, same shape.</param>
public sealed record BenchmarkOptions(bool Short);
