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
    public string PerUnit(long units)
    {
        var now = Read();
        var parts = new List<string>();
        double total = 0;
        for (var i = 0; i < _processes.Length; i++)
        {
            var us = (now[i] - _start[i]).TotalMicroseconds / Math.Max(1, units);
            total += us;
            parts.Add($"{_processes[i].Name} {us:0}");
        }
        return string.Join(", ", parts) + $"; total {total:0} µs";
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
