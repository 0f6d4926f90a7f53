using System.Globalization;

namespace Platform.Benchmarks.Harness;

/// <summary>
/// How busy the machine's cores are, from <c>/proc/stat</c>: for benchmarks that measure a tail and must not start
/// while their own setup still loads the machine.
/// </summary>
internal static class MachineCpu
{
    /// <summary>
    /// Waits until one <paramref name="window"/> shows at most <paramref name="busyFraction"/> of all cores busy, or
    /// <paramref name="deadline"/> passes; the last window's busy fraction. Without <c>/proc/stat</c>, 0 at once.
    /// </summary>
    public static async Task<double> WaitUntilQuietAsync(double busyFraction, TimeSpan window, TimeSpan deadline, CancellationToken cancellationToken)
    {
        if (Read() is not { } previous) return 0;
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            await Task.Delay(window, cancellationToken);
            var now = Read()!.Value;
            var total = now.Total - previous.Total;
            var busy = total <= 0 ? 0 : 1 - (double)(now.Idle - previous.Idle) / total;
            previous = now;
            if (busy <= busyFraction || DateTime.UtcNow >= until) return busy;
        }
    }

    // The first line: "cpu  user nice system idle iowait irq softirq steal ..." in clock ticks; idle time = idle + iowait.
    private static (long Total, long Idle)? Read()
    {
        if (!File.Exists("/proc/stat")) return null;
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        return (fields.Take(8).Sum(), fields[3] + fields[4]);
    }
}
