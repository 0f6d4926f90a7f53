using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Platform.Workloads.Local;

/// <summary>
/// The process side of one replica: starts its process (in its own process group), pumps its output into the
/// revision's logs, probes it, restarts it after the back-off, and stops it (SIGTERM, SIGKILL after the grace
/// period). Every decision is taken by <see cref="ReplicaLifecycle"/> through <see cref="RevisionRunner"/>.
/// </summary>
internal sealed class ReplicaRunner
{
    private readonly RevisionRunner _revision;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private int? _currentPid;

    public ReplicaRunner(RevisionRunner revision, string name, long ordinal, DateTimeOffset now)
    {
        _revision = revision;
        Name = name;
        Ordinal = ordinal;
        State = ReplicaState.Initial(now);
    }

    public string Name { get; }

    public long Ordinal { get; }

    /// <summary>Guarded by the revision's gate.</summary>
    public ReplicaState State { get; set; }

    /// <summary>Guarded by the revision's gate.</summary>
    public int? Port { get; set; }

    /// <summary>Guarded by the revision's gate.</summary>
    public int? ProcessId { get; set; }

    /// <summary>Completes when the replica's process is gone for good.</summary>
    public Task Completion => _loop;

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>Asks the loop to stop its process; await <see cref="Completion"/> for it to be gone.</summary>
    public void RequestStop()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already finished.
        }
    }

    private async Task RunAsync()
    {
        var stopping = _stop.Token;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                var port = NextFreePort(_revision.Options.Host);
                var decision = _revision.Plan(Name, port);
                if (decision.Plan is not { } plan)
                {
                    _revision.Refused(this, decision.Reason!, decision.Message!);
                    return;
                }

                Process process;
                try
                {
                    process = StartProcess(plan);
                }
                catch (Win32Exception e)
                {
                    _revision.Refused(this, WorkloadFailureReasons.CommandNotFound, $"Command \"{plan.FileName}\" cannot be started: {e.Message}");
                    return;
                }

                _currentPid = process.Id;
                using (process)
                {
                    var exitCode = await RunProcessAsync(process, plan, port, stopping);
                    _currentPid = null;
                    if (stopping.IsCancellationRequested)
                    {
                        return;
                    }

                    var restartAt = _revision.Exited(this, exitCode);
                    if (restartAt is { } at)
                    {
                        var delay = at - _revision.Time.GetUtcNow();
                        if (delay > TimeSpan.Zero)
                        {
                            await Task.Delay(delay, _revision.Time, stopping);
                        }
                    }

                    _revision.BackoffElapsed(this);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped while backing off.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A broken invariant must not leave a process behind nor fault the caller that awaits the stop.
            if (_currentPid is int pid)
            {
                ProcessGroup.Kill(pid, ProcessGroup.Setsid is not null);
            }

            WorkloadLog.ReplicaBroken(_revision.Logger, _revision.Key, Name, e);
        }
        finally
        {
            _revision.Gone(this);
            _stop.Dispose();
        }
    }

    private Process StartProcess(LaunchPlan plan)
    {
        var start = new ProcessStartInfo
        {
            WorkingDirectory = plan.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };

        // setsid execs the program in a new session: its pid is the process group to signal.
        if (ProcessGroup.Setsid is { } setsid)
        {
            start.FileName = setsid;
            start.ArgumentList.Add(plan.FileName);
        }
        else
        {
            start.FileName = plan.FileName;
        }

        foreach (var argument in plan.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach (var (key, value) in plan.Environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new Win32Exception("the process did not start");
        process.StandardInput.Close();
        return process;
    }

    private async Task<int> RunProcessAsync(Process process, LaunchPlan plan, int port, CancellationToken stopping)
    {
        var groupLeader = ProcessGroup.Setsid is not null;
        _revision.Started(this, process.Id, port);
        var pumps = Task.WhenAll(
            PumpAsync(process.StandardOutput, LogStream.Stdout),
            PumpAsync(process.StandardError, LogStream.Stderr));
        using var probing = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var probes = ProbeAsync(port, probing.Token);
        var exited = process.WaitForExitAsync(CancellationToken.None);
        var stopRequested = Task.Delay(Timeout.Infinite, stopping);
        await Task.WhenAny(exited, stopRequested);
        probing.Cancel();
        if (!exited.IsCompleted)
        {
            await TerminateAsync(process, plan, groupLeader, exited);
        }

        await exited;
        await probes;

        // Output may still be in the pipes; children that kept them open are killed with the group below.
        await Task.WhenAny(pumps, Task.Delay(TimeSpan.FromMilliseconds(500), CancellationToken.None));
        ProcessGroup.Kill(process.Id, groupLeader);
        if (groupLeader)
        {
            await ProcessGroup.WaitGoneAsync(process.Id, TimeSpan.FromSeconds(2));
        }

        if (plan.DockerContainer is { } container)
        {
            await RemoveContainerAsync(container);
        }

        await Task.WhenAny(pumps, Task.Delay(TimeSpan.FromMilliseconds(500), CancellationToken.None));
        return process.ExitCode;
    }

    private async Task TerminateAsync(Process process, LaunchPlan plan, bool groupLeader, Task exited)
    {
        ProcessGroup.Terminate(process.Id, groupLeader);
        var grace = _revision.GracePeriod;
        if (grace > TimeSpan.Zero)
        {
            await Task.WhenAny(exited, Task.Delay(grace, _revision.Time, CancellationToken.None));
        }

        if (!exited.IsCompleted)
        {
            ProcessGroup.Kill(process.Id, groupLeader);
            if (plan.DockerContainer is { } container)
            {
                await RemoveContainerAsync(container);
            }

            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Exited meanwhile.
            }
        }
    }

    private async Task RemoveContainerAsync(string container)
    {
        try
        {
            using var rm = Process.Start(new ProcessStartInfo(_revision.Options.DockerCommand, ["rm", "-f", container])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (rm is not null)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await rm.WaitForExitAsync(timeout.Token);
            }
        }
        catch (Exception e) when (e is Win32Exception or OperationCanceledException or InvalidOperationException)
        {
            // Best effort: --rm removes the container when docker run ends anyway.
        }
    }

    private async Task PumpAsync(StreamReader reader, LogStream stream)
    {
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                _revision.Logs.Append(Name, stream, line);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The pipe closed with the process.
        }
    }

    private async Task ProbeAsync(int port, CancellationToken cancellationToken)
    {
        var check = _revision.Workload.Readiness;
        try
        {
            if (check.InitialDelaySeconds > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(check.InitialDelaySeconds), _revision.Time, cancellationToken);
            }

            while (!cancellationToken.IsCancellationRequested)
            {
                bool ok;
                try
                {
                    ok = await _revision.Prober.ProbeAsync(_revision.Options.Host, port, check, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Whatever breaks a probe (a malformed answer, ...) counts as a failed probe, never as a crash of the runner.
                    ok = false;
                }

                var interval = _revision.Probed(this, ok);
                await Task.Delay(interval, _revision.Time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The process exited or is being stopped.
        }
    }

    private static int NextFreePort(string host)
    {
        using var listener = new TcpListener(IPAddress.Parse(host), 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
