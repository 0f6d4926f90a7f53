using System.Runtime.InteropServices;

namespace Platform.Cli.Runner.Processes;

/// <summary>POSIX signals to processes and process groups.</summary>
internal static class Signals
{
    /// <summary>SIGKILL.</summary>
    public const int Kill = 9;

    /// <summary>SIGTERM.</summary>
    public const int Terminate = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    /// <summary>Sends <paramref name="signal"/> to process <paramref name="pid"/>; false when it is gone.</summary>
    public static bool Send(int pid, int signal)
    {
        if (OperatingSystem.IsWindows() || pid <= 0) return false;
        return SysKill(pid, signal) == 0;
    }

    /// <summary>Sends <paramref name="signal"/> to every process of group <paramref name="pgid"/>; false when the group is empty.</summary>
    public static bool SendToGroup(int pgid, int signal)
    {
        if (OperatingSystem.IsWindows() || pgid <= 1) return false;
        return SysKill(-pgid, signal) == 0;
    }

    /// <summary>Whether group <paramref name="pgid"/> still has a member.</summary>
    public static bool GroupAlive(int pgid) => SendToGroup(pgid, 0);

    /// <summary>
    /// Whether <paramref name="pid"/> is still the process that started at <paramref name="startTime"/> (so a
    /// recycled pid is never signalled); the same test the serving-controller applies to its replica record.
    /// </summary>
    public static bool IsSameProcess(int pid, DateTimeOffset startTime) => Platform.Workloads.Local.ReplicaRecords.IsSameProcess(pid, startTime);
}
