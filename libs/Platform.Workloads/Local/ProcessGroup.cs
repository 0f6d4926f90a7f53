using System.Runtime.InteropServices;

namespace Platform.Workloads.Local;

/// <summary>
/// Signals to a replica's whole process group. Replicas are started through <c>setsid</c> so that the replica's
/// pid is also its process group id: a shell wrapper's children are stopped with it and nothing is left behind.
/// </summary>
internal static partial class ProcessGroup
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    /// <summary>The <c>setsid</c> program, or null where there is none (then only the process tree is killed).</summary>
    public static string? Setsid { get; } = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);

    /// <summary>SIGTERM to the group (falls back to the process).</summary>
    public static void Terminate(int pid, bool isGroupLeader) => Signal(pid, isGroupLeader, SigTerm);

    /// <summary>SIGKILL to the group (falls back to the process).</summary>
    public static void Kill(int pid, bool isGroupLeader) => Signal(pid, isGroupLeader, SigKill);

    /// <summary>True while any process of the group exists.</summary>
    public static bool GroupAlive(int pgid) => !OperatingSystem.IsWindows() && SysKill(-pgid, 0) == 0;

    /// <summary>
    /// Waits until no live (non-zombie) process of group <paramref name="pgid"/> remains, at most
    /// <paramref name="timeout"/>: signals are delivered asynchronously, and "stopped" must mean gone.
    /// </summary>
    public static async Task WaitGoneAsync(int pgid, TimeSpan timeout)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (LiveMembers(pgid) && Environment.TickCount64 < deadline)
        {
            await Task.Delay(10);
        }
    }

    private static bool LiveMembers(int pgid)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(dir);
            if (name.Length == 0 || !char.IsAsciiDigit(name[0]))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so parse after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields.Length > 2 && fields[0] != "Z" && fields[2] == pgid.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                return true;
            }
        }

        return false;
    }

    private static void Signal(int pid, bool isGroupLeader, int signal)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (isGroupLeader && SysKill(-pid, signal) == 0)
        {
            return;
        }

        _ = SysKill(pid, signal);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);
}
