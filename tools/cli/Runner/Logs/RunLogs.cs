using System.Globalization;

namespace Platform.Cli.Runner.Logs;

/// <summary>
/// The logs of past runs: before a run writes <c>.platform/logs/{app}.log</c>, what the previous run left there
/// (its app and sidecar logs, <c>up.log</c>, the replicas' logs) moves to <c>.platform/logs/runs/{UTC start}</c>, so
/// the logs of a crash survive the next <c>up</c>. The newest <see cref="Kept"/> past runs are kept.
/// </summary>
internal static class RunLogs
{
    /// <summary>How many past runs' logs are kept.</summary>
    public const int Kept = 10;

    /// <summary>Folder of past runs under the logs folder.</summary>
    public const string RunsFolder = "runs";

    /// <summary>Moves the previous run's logs out of <paramref name="logsDir"/>; returns where they went, or null when there were none.</summary>
    public static string? KeepPrevious(string logsDir, DateTimeOffset? now = null)
    {
        if (!Directory.Exists(logsDir)) return null;
        var entries = Directory.EnumerateFileSystemEntries(logsDir)
            .Where(e => !string.Equals(Path.GetFileName(e), RunsFolder, StringComparison.Ordinal)).ToList();
        if (entries.Count == 0) return null;

        var runs = Path.Combine(logsDir, RunsFolder);
        var stamp = (now ?? StartOf(entries)).UtcDateTime.ToString("yyyy-MM-ddTHH-mm-ssZ", CultureInfo.InvariantCulture);
        var target = Path.Combine(runs, stamp);
        for (var n = 2; Directory.Exists(target); n++) target = Path.Combine(runs, $"{stamp}-{n}");
        Directory.CreateDirectory(target);
        foreach (var entry in entries)
        {
            var destination = Path.Combine(target, Path.GetFileName(entry));
            if (Directory.Exists(entry)) Directory.Move(entry, destination);
            else File.Move(entry, destination);
        }

        // Names sort by time; drop the oldest beyond the limit.
        foreach (var old in Directory.GetDirectories(runs).Order(StringComparer.Ordinal).SkipLast(Kept))
            Directory.Delete(old, recursive: true);
        return target;
    }

    /// <summary>When the previous run started: the oldest write among its logs.</summary>
    private static DateTimeOffset StartOf(IEnumerable<string> entries) =>
        entries.Select(e => new DateTimeOffset(Directory.Exists(e) ? Directory.GetCreationTimeUtc(e) : File.GetCreationTimeUtc(e), TimeSpan.Zero)).Min();
}
