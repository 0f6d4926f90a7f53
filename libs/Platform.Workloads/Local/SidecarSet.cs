using System.ComponentModel;
using System.Diagnostics;

namespace Platform.Workloads.Local;

/// <summary>
/// The sidecar containers of one run of a replica, as processes beside its serving process: started before it, their
/// output in the replica's logs (each line prefixed with the container's name), stopped with it. The first sidecar to
/// exit ends the run: the replica is restarted whole, as one unit (a choice: a pod restarts a container alone).
/// </summary>
internal sealed class SidecarSet : IAsyncDisposable
{
    private readonly List<(string Name, Process Process, Task Exited, Task Pumps)> _running = [];
    private readonly bool _groupLeaders = ProcessGroup.Setsid is not null;
    private readonly RevisionLogs _logs;
    private readonly string _replica;
    private readonly ReplicaRecords? _records;
    private readonly string _revision;

    private SidecarSet(RevisionLogs logs, string replica, ReplicaRecords? records, string revision)
    {
        _logs = logs;
        _replica = replica;
        _records = records;
        _revision = revision;
    }

    /// <summary>Completes with the name and exit code of the first sidecar to exit; never when there is none.</summary>
    public Task<(string Name, int ExitCode)> FirstExit { get; private set; } = new TaskCompletionSource<(string, int)>().Task;

    /// <summary>Starts every sidecar of <paramref name="sidecars"/>; one that cannot start stops those started and throws.</summary>
    public static SidecarSet Start(IReadOnlyList<SidecarLaunch> sidecars, RevisionLogs logs, string replica, ReplicaRecords? records, string revision)
    {
        var set = new SidecarSet(logs, replica, records, revision);
        try
        {
            foreach (var sidecar in sidecars)
            {
                var process = ReplicaRunner.StartProcess(sidecar.Plan);
                records?.Add(new ReplicaRecord(process.Id, DateTimeOffset.UtcNow, set._groupLeaders, revision, $"{replica}/{sidecar.Name}"));
                var pumps = Task.WhenAll(
                    set.PumpAsync(process.StandardOutput, LogStream.Stdout, sidecar.Name),
                    set.PumpAsync(process.StandardError, LogStream.Stderr, sidecar.Name));
                set._running.Add((sidecar.Name, process, process.WaitForExitAsync(CancellationToken.None), pumps));
            }
        }
        catch (Win32Exception)
        {
            set.StopAsync(TimeSpan.Zero).GetAwaiter().GetResult();
            throw;
        }

        if (set._running.Count > 0)
        {
            set.FirstExit = FirstExitAsync(set._running);
        }

        return set;
    }

    private static async Task<(string, int)> FirstExitAsync(List<(string Name, Process Process, Task Exited, Task Pumps)> running)
    {
        var first = await Task.WhenAny(running.Select(r => r.Exited));
        var (name, process, _, _) = running.First(r => r.Exited == first);
        return (name, process.ExitCode);
    }

    /// <summary>SIGTERM to every sidecar, SIGKILL after <paramref name="grace"/>; returns once they are gone.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        foreach (var (_, process, exited, _) in _running)
        {
            if (!exited.IsCompleted)
            {
                ProcessGroup.Terminate(process.Id, _groupLeaders);
            }
        }

        var all = Task.WhenAll(_running.Select(r => r.Exited));
        if (grace > TimeSpan.Zero)
        {
            await Task.WhenAny(all, Task.Delay(grace));
        }

        foreach (var (_, process, _, pumps) in _running)
        {
            ProcessGroup.Kill(process.Id, _groupLeaders);
            _records?.Remove(process.Id);
        }

        await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(2)));
        await Task.WhenAny(Task.WhenAll(_running.Select(r => r.Pumps)), Task.Delay(TimeSpan.FromMilliseconds(500)));
    }

    private async Task PumpAsync(StreamReader reader, LogStream stream, string container)
    {
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                _logs.Append(_replica, stream, $"[{container}] {line}");
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The pipe closed with the process.
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.Zero);
        foreach (var (_, process, _, _) in _running)
        {
            process.Dispose();
        }
    }
}
