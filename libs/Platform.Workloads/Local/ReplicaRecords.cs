using System.Diagnostics;
using System.Text.Json;

namespace Platform.Workloads.Local;

/// <summary>One replica process, as recorded on disk.</summary>
/// <param name="Pid">Process id (its group id when <paramref name="GroupLeader"/>).</param>
/// <param name="StartTime">When it started, to tell a recycled pid apart.</param>
/// <param name="GroupLeader">Whether it was started through <c>setsid</c>.</param>
/// <param name="Revision"><c>namespace/revision</c>, for the log.</param>
/// <param name="Replica">Replica name.</param>
public sealed record ReplicaRecord(int Pid, DateTimeOffset StartTime, bool GroupLeader, string Revision, string Replica);

/// <summary>
/// <c>{StateDirectory}/replicas.json</c>: every replica process this backend has running, rewritten on each start and
/// exit. A controller killed with SIGKILL cannot stop its replicas; the next one reads the file when it starts and
/// kills what is still there (the same pid with the same start time, or the group it led), so replicas are reaped,
/// never left running beside the new ones. Reaping rather than adopting: a replica's readiness, logs and restarts are
/// tied to the process that reads its pipes, which died with the old controller. <c>platform down</c> reads the same
/// file after a runner died, so that its replicas do not outlive it either.
/// </summary>
public sealed class ReplicaRecords
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Lock _gate = new();
    private readonly Dictionary<int, ReplicaRecord> _live = [];
    private readonly string _path;

    /// <summary>The record in <paramref name="stateDirectory"/> (created if missing).</summary>
    public ReplicaRecords(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        _path = Path.Combine(stateDirectory, "replicas.json");
    }

    /// <summary>Kills the replicas a previous backend recorded and left running; returns what was reaped.</summary>
    public IReadOnlyList<ReplicaRecord> ReapLeftovers()
    {
        List<ReplicaRecord> recorded;
        try
        {
            recorded = File.Exists(_path) ? JsonSerializer.Deserialize<List<ReplicaRecord>>(File.ReadAllText(_path), Json) ?? [] : [];
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            recorded = [];
        }

        var reaped = new List<ReplicaRecord>();
        foreach (var record in recorded)
        {
            var same = IsSameProcess(record.Pid, record.StartTime);
            // A group whose leader is gone can only be the recorded one: a new group with this id needs a live leader.
            var orphanedGroup = record.GroupLeader && !same && !ProcessExists(record.Pid) && ProcessGroup.GroupAlive(record.Pid);
            if (!same && !orphanedGroup)
            {
                continue;
            }

            ProcessGroup.Kill(record.Pid, record.GroupLeader);
            reaped.Add(record);
        }

        lock (_gate)
        {
            WriteLocked();
        }

        return reaped;
    }

    /// <summary>Records a started replica process.</summary>
    public void Add(ReplicaRecord record)
    {
        lock (_gate)
        {
            _live[record.Pid] = record;
            WriteLocked();
        }
    }

    /// <summary>Forgets a replica process that is gone.</summary>
    public void Remove(int pid)
    {
        lock (_gate)
        {
            if (_live.Remove(pid))
            {
                WriteLocked();
            }
        }
    }

    private void WriteLocked()
    {
        var temp = _path + "." + Environment.ProcessId + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(_live.Values.ToList(), Json));
        File.Move(temp, _path, overwrite: true);
    }

    private static bool ProcessExists(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether <paramref name="pid"/> is still the process that started at <paramref name="startTime"/> (within a
    /// second or two: start times are read back at a coarser grain), so that a recycled pid is never signalled.
    /// The local runner uses it for the processes it records too.
    /// </summary>
    public static bool IsSameProcess(int pid, DateTimeOffset startTime)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited && Math.Abs((p.StartTime.ToUniversalTime() - startTime.UtcDateTime).TotalSeconds) < 2;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
