using System.Diagnostics;

namespace Platform.Benchmarks.Broker;

/// <summary>
/// CPU time of the processes taking part in a benchmark phase (broker, sidecar, Redis, this process as client and
/// sink). Wall-clock rates on a shared 2-core machine move with whatever else runs; CPU per event does not, so it is
/// what shows whether a change made the data plane cheaper.
/// </summary>
internal sealed class CpuMeter
{
    private readonly (string Name, Process Process)[] _processes;
    private TimeSpan[] _start;

    public CpuMeter(IEnumerable<(string Name, Process Process)> processes)
    {
        _processes = [.. processes];
        _start = Read();
    }

    /// <summary>Starts a phase.</summary>
    public void Restart() => _start = Read();

    /// <summary>CPU µs per unit of work (event or delivery) of each process since <see cref="Restart"/>, e.g. <c>broker 150, sidecar 110</c>.</summary>
    public string PerUnit(long units) => Format(Sample(units));

    /// <summary>CPU µs per unit of work of each process since <see cref="Restart"/>, by name.</summary>
    public IReadOnlyDictionary<string, double> Sample(long units)
    {
        var now = Read();
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < _processes.Length; i++)
            result[_processes[i].Name] = result.GetValueOrDefault(_processes[i].Name) + (now[i] - _start[i]).TotalMicroseconds / Math.Max(1, units);
        return result;
    }

    /// <summary><c>broker 150, sidecar 110; total 260 µs</c>.</summary>
    public static string Format(IReadOnlyDictionary<string, double> sample) =>
        string.Join(", ", sample.Select(p => $"{p.Key} {p.Value:0}")) + $"; total {sample.Values.Sum():0} µs";

    /// <summary>CPU µs per unit of the process named <paramref name="name"/> since <see cref="Restart"/>.</summary>
    public double MicrosPerUnit(string name, long units)
    {
        var now = Read();
        var i = Array.FindIndex(_processes, p => p.Name == name);
        return (now[i] - _start[i]).TotalMicroseconds / Math.Max(1, units);
    }

    private TimeSpan[] Read() => [.. _processes.Select(p =>
    {
        try
        {
            p.Process.Refresh();
            return p.Process.TotalProcessorTime;
        }
        catch (InvalidOperationException)
        {
            return TimeSpan.Zero; // exited
        }
    })];
}
