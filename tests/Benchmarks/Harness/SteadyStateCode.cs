using System.Diagnostics;

namespace Platform.Benchmarks.Harness;

/// <summary>
/// Runs a service under test on the code a long-running process reaches, from its first request: every method,
/// the framework's included, compiled once by the optimizing JIT (<c>DOTNET_TieredCompilation=0</c>,
/// <c>DOTNET_ReadyToRun=0</c>).
/// </summary>
/// <remarks>
/// With tiering on, a short run on a busy machine measures the tiering JIT (a perf profile of a short broker run put a
/// fifth to a third of the services' CPU in libclrjit). Tiering off alone is worse the other way: the framework's
/// precompiled (ReadyToRun) code is then never replaced by optimized code, which no long-running process keeps for
/// its hot paths; measured back to back, that cost the broker 217 against 147 µs of CPU per delivery, the sidecar 92
/// against 75. This setting is still no better than a warmed-up process, which has dynamic PGO on top. Startup is
/// slower (everything is compiled at full optimization), which no figure includes.
/// </remarks>
internal static class SteadyStateCode
{
    /// <summary>Tiering off and ReadyToRun off: every method JIT-optimized once, as a long-running process runs it.</summary>
    public static IReadOnlyDictionary<string, string> Variables { get; } = new Dictionary<string, string>
    {
        ["DOTNET_TieredCompilation"] = "0",
        ["DOTNET_ReadyToRun"] = "0",
    };

    /// <summary>Sets the variables on <paramref name="start"/>.</summary>
    public static void Apply(ProcessStartInfo start)
    {
        foreach (var (name, value) in Variables) start.Environment[name] = value;
    }
}
