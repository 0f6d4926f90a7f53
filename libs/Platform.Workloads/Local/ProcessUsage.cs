using System.Globalization;

namespace Platform.Workloads.Local;

/// <summary>What a replica's process has used so far: CPU time (its own and its waited-for children's) and resident memory.</summary>
/// <param name="Replica">The replica's name.</param>
/// <param name="CpuSeconds">User + system CPU seconds since it started.</param>
/// <param name="RssBytes">Resident set size now.</param>
public sealed record ReplicaUsage(string Replica, double CpuSeconds, long RssBytes);

/// <summary>Reads a process's usage from <c>/proc/{pid}/stat</c> and <c>/proc/{pid}/statm</c> (Linux), as the kubelet's cAdvisor does for a container.</summary>
internal static class ProcessUsage
{
    // USER_HZ: the unit of /proc's CPU times, 100 on every Linux platform .NET runs on.
    private const double ClockTicksPerSecond = 100;

    /// <summary>The usage of <paramref name="pid"/>, or null when it is gone or /proc is not there.</summary>
    public static ReplicaUsage? Read(string replica, int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var statm = File.ReadAllText($"/proc/{pid}/statm");
            return Parse(replica, stat, statm, Environment.SystemPageSize);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Parses the two files, pure; null when they are not what Linux writes.</summary>
    public static ReplicaUsage? Parse(string replica, string stat, string statm, int pageSize)
    {
        // The command name (field 2) is in parentheses and may hold spaces: fields are counted after its ')'.
        var end = stat.LastIndexOf(')');
        if (end < 0) return null;
        var fields = stat[(end + 2)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // After ')': state is field 3, so utime (14), stime (15), cutime (16), cstime (17) are at 11..14.
        if (fields.Length < 15) return null;
        double ticks = 0;
        for (var i = 11; i <= 14; i++)
        {
            if (!long.TryParse(fields[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)) return null;
            ticks += value;
        }

        var pages = statm.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (pages.Length < 2 || !long.TryParse(pages[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var resident)) return null;
        return new ReplicaUsage(replica, ticks / ClockTicksPerSecond, resident * pageSize);
    }
}
