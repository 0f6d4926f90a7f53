using Platform.Workloads.Local;

namespace Platform.ServingController.Supervisor.Hpa;

/// <summary>
/// One HPA-class revision's metric between two syncs: CPU is a rate, so each replica's CPU seconds are kept until the
/// next sample (a replica seen for the first time has no rate yet); memory is read as it is. Also its recent
/// recommendations, for the scale-down stabilization.
/// </summary>
internal sealed class HpaSamples
{
    private Dictionary<string, (double CpuSeconds, DateTimeOffset At)> _last = [];

    /// <summary>Recommendations still within the stabilization window.</summary>
    public List<(DateTimeOffset At, int Replicas)> Recommendations { get; } = [];

    /// <summary>Replicas measured by the last <see cref="Measure"/>.</summary>
    public int Ready { get; private set; }

    /// <summary>
    /// The average over the replicas: percent of the CPU request used since the last sample (<paramref name="cpuRequest"/>
    /// cores), or MiB resident; 0 with no replica; null when no replica has a CPU rate yet.
    /// </summary>
    public double? Measure(IReadOnlyList<ReplicaUsage> usage, string metric, double? cpuRequest, DateTimeOffset now)
    {
        Ready = usage.Count;
        var previous = _last;
        _last = usage.ToDictionary(u => u.Replica, u => (u.CpuSeconds, now));
        if (usage.Count == 0) return 0;
        if (metric == HpaSpec.Memory) return usage.Average(u => u.RssBytes / (1024.0 * 1024.0));
        var rates = usage.Where(u => previous.TryGetValue(u.Replica, out var p) && now > p.At)
            .Select(u => (u.CpuSeconds - previous[u.Replica].CpuSeconds) / (now - previous[u.Replica].At).TotalSeconds)
            .ToList();
        return rates.Count == 0 || cpuRequest is not > 0 ? null : rates.Average() / cpuRequest.Value * 100;
    }
}
