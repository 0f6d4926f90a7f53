using System.ComponentModel;
using System.Diagnostics;
using System.Net;

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
    private ReplicaStartGate.Slot? _startSlot;

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
        var broken = false;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                // Held until this run is ready or over (see ReplicaStartGate); a stop while waiting ends the loop.
                _startSlot = await _revision.StartGate.EnterAsync(stopping);
                var port = LoopbackPorts.Pick(IPAddress.Parse(_revision.Options.Host), _ => true);
                var decision = _revision.Plan(Name, port);
                if (decision.Plan is not { } plan)
                {
                    _revision.Refused(this, decision.Reason!, decision.Message!);
                    return;
                }

                Process process;
                SidecarSet sidecars;
                try
                {
                    // Sidecars first, as a pod's containers start: the serving process may need them at once.
                    sidecars = SidecarSet.Start(plan.Sidecars, _revision.Logs, Name, _revision.Records, $"{_revision.Key.Namespace}/{_revision.Key.Name}");
                }
                catch (Win32Exception e)
                {
                    _revision.Refused(this, WorkloadFailureReasons.CommandNotFound, $"A sidecar cannot be started: {e.Message}");
                    return;
                }

                try
                {
                    process = StartProcess(plan);
                }
                catch (Win32Exception e)
                {
                    await sidecars.DisposeAsync();
                    _revision.Refused(this, WorkloadFailureReasons.CommandNotFound, $"Command \"{plan.FileName}\" cannot be started: {e.Message}");
                    return;
                }

                _currentPid = process.Id;
                await using (sidecars)
                using (process)
                {
                    var exitCode = await RunProcessAsync(process, plan, port, sidecars, stopping);
                    _startSlot.Release();
                    _currentPid = null;
                    if (stopping.IsCancellationRequested)
                    {
                        return;
                    }

                    var restartAt = _revision.Exited(this, exitCode);
                    if (restartAt is null)
                    {
                        // Stopping (a draining replica that exited before its stop came): nothing more to run.
                        return;
                    }

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
            broken = true;
        }
        finally
        {
            _startSlot?.Release();
            _revision.Gone(this, broken);
            _stop.Dispose();
        }
    }

    /// <summary>Starts one process of a plan in its own session (process group), its stdin closed.</summary>
    internal static Process StartProcess(LaunchPlan plan)
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

    private async Task<int> RunProcessAsync(Process process, LaunchPlan plan, int port, SidecarSet sidecars, CancellationToken stopping)
    {
        var groupLeader = ProcessGroup.Setsid is not null;
        _revision.Records?.Add(new ReplicaRecord(process.Id, StartTimeOf(process),
            groupLeader, $"{_revision.Key.Namespace}/{_revision.Key.Name}", Name));
        _revision.Started(this, process.Id, port);
        var pumps = Task.WhenAll(
            PumpAsync(process.StandardOutput, LogStream.Stdout),
            PumpAsync(process.StandardError, LogStream.Stderr));
        using var probing = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        // Completed with the reason when a startup or liveness probe fails its threshold: the process is restarted.
        var unhealthy = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var probes = ProbeAsync(new ProbeTarget(_revision.Options.Host, port, plan), unhealthy, probing.Token);
        var exited = process.WaitForExitAsync(CancellationToken.None);
        var stopRequested = Task.Delay(Timeout.Infinite, stopping);
        await Task.WhenAny(exited, stopRequested, unhealthy.Task, sidecars.FirstExit);
        probing.Cancel();
        if (!exited.IsCompleted)
        {
            var reason = stopping.IsCancellationRequested ? null
                : unhealthy.Task.IsCompleted ? await unhealthy.Task
                : sidecars.FirstExit.IsCompleted ? $"sidecar \"{(await sidecars.FirstExit).Name}\" exited with code {(await sidecars.FirstExit).ExitCode}"
                : null;
            if (reason is not null)
            {
                WorkloadLog.ReplicaUnhealthy(_revision.Logger, _revision.Key, Name, reason);
                _revision.Logs.Append(Name, LogStream.Stderr, $"[platform] restarting: {reason}");
            }

            await TerminateAsync(process, plan, groupLeader, exited);
        }

        await exited;
        await sidecars.StopAsync(_revision.GracePeriod);
        await probes;

        // Output may still be in the pipes; children that kept them open are killed with the group below.
        await Task.WhenAny(pumps, Task.Delay(TimeSpan.FromMilliseconds(500), CancellationToken.None));
        ProcessGroup.Kill(process.Id, groupLeader);
        if (groupLeader)
        {
            await ProcessGroup.WaitGoneAsync(process.Id, TimeSpan.FromSeconds(2));
        }

        _revision.Records?.Remove(process.Id);

        if (plan.DockerContainer is { } container)
        {
            await RemoveContainerAsync(container);
        }

        await Task.WhenAny(pumps, Task.Delay(TimeSpan.FromMilliseconds(500), CancellationToken.None));
        return process.ExitCode;
    }

    /// <summary>
    /// The process's start time as the kernel has it; a process that already exited (a command that fails at once)
    /// has none left to read, and then now is as good: the record only tells a recycled pid apart, within seconds.
    /// </summary>
    internal static DateTimeOffset StartTimeOf(Process process)
    {
        try
        {
            return new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // Exited and reaped already: /proc no longer has it (Win32Exception), or Process knows it exited.
            return DateTimeOffset.UtcNow;
        }
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

    /// <summary>
    /// The replica's probes, as the kubelet runs them: the startup probe (if any) until it passes, then readiness and
    /// liveness side by side. A startup or liveness probe that fails its threshold completes <paramref name="unhealthy"/>.
    /// </summary>
    private async Task ProbeAsync(ProbeTarget target, TaskCompletionSource<string> unhealthy, CancellationToken cancellationToken)
    {
        var workload = _revision.Workload;
        try
        {
            if (workload.Startup is { } startup && !await RunUntilVerdictAsync(target, startup, ReplicaLifecycle.AggressiveInterval(startup, _revision.Options), cancellationToken))
            {
                unhealthy.TrySetResult($"startup probe failed {startup.FailureThreshold} time(s) in a row");
                return;
            }

            await Task.WhenAll(
                ReadinessAsync(target, workload.Readiness, cancellationToken),
                workload.Liveness is { } liveness ? LivenessAsync(target, liveness, unhealthy, cancellationToken) : Task.CompletedTask);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The process exited or is being stopped.
        }
    }

    private async Task ReadinessAsync(ProbeTarget target, ProbeCheck check, CancellationToken cancellationToken)
    {
        await InitialDelayAsync(check, cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            var interval = _revision.Probed(this, await ProbeOnceAsync(target, check, cancellationToken));
            if (State.Phase == ReplicaPhase.Ready) _startSlot?.Release();
            await Task.Delay(interval, _revision.Time, cancellationToken);
        }
    }

    private async Task LivenessAsync(ProbeTarget target, ProbeCheck check, TaskCompletionSource<string> unhealthy, CancellationToken cancellationToken)
    {
        while (await RunUntilVerdictAsync(target, check, _revision.Options.LivenessProbeInterval, cancellationToken))
        {
            // Alive: keep watching. Only the initial delay is not repeated.
            check = check with { InitialDelaySeconds = 0 };
        }

        unhealthy.TrySetResult($"liveness probe failed {check.FailureThreshold} time(s) in a row");
    }

    /// <summary>Probes every period (or <paramref name="defaultPeriod"/>) until a verdict: true when it passed.</summary>
    private async Task<bool> RunUntilVerdictAsync(ProbeTarget target, ProbeCheck check, TimeSpan defaultPeriod, CancellationToken cancellationToken)
    {
        await InitialDelayAsync(check, cancellationToken);
        var period = check.PeriodSeconds > 0 ? TimeSpan.FromSeconds(check.PeriodSeconds) : defaultPeriod;
        var streak = default(ProbeStreak);
        while (true)
        {
            (streak, var verdict) = streak.Record(await ProbeOnceAsync(target, check, cancellationToken), check);
            if (verdict != ProbeVerdict.Pending)
            {
                return verdict == ProbeVerdict.Passed;
            }

            await Task.Delay(period, _revision.Time, cancellationToken);
        }
    }

    private Task InitialDelayAsync(ProbeCheck check, CancellationToken cancellationToken) =>
        check.InitialDelaySeconds > 0 ? Task.Delay(TimeSpan.FromSeconds(check.InitialDelaySeconds), _revision.Time, cancellationToken) : Task.CompletedTask;

    private async Task<bool> ProbeOnceAsync(ProbeTarget target, ProbeCheck check, CancellationToken cancellationToken)
    {
        try
        {
            return await _revision.Prober.ProbeAsync(target, check, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever breaks a probe (a malformed answer, ...) counts as a failed probe, never as a crash of the runner.
            return false;
        }
    }
}
