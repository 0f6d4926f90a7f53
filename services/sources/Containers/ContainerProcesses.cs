using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using Platform.Resources.Durations;
using Platform.Sources.Configuration;
using Platform.Workloads.Local;

namespace Platform.Sources.Containers;

/// <summary>
/// Runs the local ContainerSources: one process per container, started like a revision's replica (the workloads
/// library's program resolution and <c>setsid</c> start, so that stopping kills the whole process group), its output
/// appended to <c>{LogsDirectory}/{namespace}/{source}/{container}.log</c>, restarted after it exits with the crash-loop
/// back-off (<see cref="RestartBackoff"/>, <see cref="ContainerOptions.InitialRestartDelay"/> doubling up to
/// <see cref="ContainerOptions.MaxRestartDelay"/>; a process that ran a minute starts the streak again), and stopped
/// (SIGTERM, SIGKILL after <see cref="ContainerOptions.GracePeriod"/>) when its source goes, changes, or the service stops.
/// </summary>
internal sealed partial class ContainerProcesses(SourcesOptions options, TimeProvider time, ILogger<ContainerProcesses> logger) : IHostedService
{
    private readonly ConcurrentDictionary<string, SourceRun> _runs = new(StringComparer.Ordinal);
    private readonly Lock _updating = new();

    /// <summary>Raised when a process starts, exits or is refused: the status may change.</summary>
    public event Action? Changed;

    /// <summary>How the processes of source <paramref name="uid"/> are doing, or null when none run.</summary>
    public ContainerState? StateOf(string uid) => _runs.TryGetValue(uid, out var run) ? run.State : null;

    /// <summary>Runs exactly <paramref name="jobs"/>: starts the new ones, restarts the changed ones, stops the rest.</summary>
    public void Update(IReadOnlyList<ContainerJob> jobs)
    {
        lock (_updating)
        {
            var wanted = jobs.ToDictionary(j => j.Uid, StringComparer.Ordinal);
            foreach (var (uid, run) in _runs)
                if (!wanted.TryGetValue(uid, out var job) || job.Fingerprint != run.Job.Fingerprint)
                {
                    _runs.TryRemove(uid, out _);
                    _ = run.StopAsync();
                }
            foreach (var job in jobs)
                if (!_runs.ContainsKey(job.Uid)) _runs[job.Uid] = SourceRun.Start(job, this);
        }
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        List<SourceRun> runs;
        lock (_updating)
        {
            runs = [.. _runs.Values];
            _runs.Clear();
        }
        await Task.WhenAll(runs.Select(r => r.StopAsync())).ConfigureAwait(false);
    }

    private void Signal() => Changed?.Invoke();

    private ContainerOptions Options => options.Containers;

    private TimeProvider Time => time;

    private ILogger Logger => logger;

    /// <summary>The processes of one source.</summary>
    private sealed class SourceRun
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly ContainerProcesses _owner;
        private readonly ConcurrentDictionary<string, (bool Started, string? Reason, string? Message, int Restarts)> _containers = new(StringComparer.Ordinal);
        private Task _loops = Task.CompletedTask;

        private SourceRun(ContainerJob job, ContainerProcesses owner)
        {
            Job = job;
            _owner = owner;
        }

        public ContainerJob Job { get; }

        public ContainerState State
        {
            get
            {
                var states = Job.Containers.Select(c => _containers.GetValueOrDefault(c.Container)).ToList();
                var refused = states.FirstOrDefault(s => s.Reason is not null);
                return new ContainerState(states.All(s => s.Started), refused.Reason, refused.Message, states.Sum(s => s.Restarts));
            }
        }

        public static SourceRun Start(ContainerJob job, ContainerProcesses owner)
        {
            var run = new SourceRun(job, owner);
            run._loops = Task.WhenAll(job.Containers.Select(c => Task.Run(() => run.RunAsync(c))));
            return run;
        }

        public async Task StopAsync()
        {
            try { _stop.Cancel(); } catch (ObjectDisposedException) { }
            await _loops.ConfigureAwait(false);
        }

        private void Set(string container, Func<(bool Started, string? Reason, string? Message, int Restarts), (bool, string?, string?, int)> change)
        {
            _containers.AddOrUpdate(container, _ => change(default), (_, old) => change(old));
            _owner.Signal();
        }

        private async Task RunAsync(ContainerLaunch launch)
        {
            var options = _owner.Options;
            var logPath = Path.Combine(options.LogsDirectory ?? Path.Combine(Path.GetTempPath(), "platform", "logs"), Job.Namespace, Job.Name, $"{launch.Container}.log");
            Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
            await using var log = new ContainerLog(logPath);
            var streak = 0;
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var plan = Plan(launch, options);
                    if (plan.Plan is null)
                    {
                        log.Write($"[platform] cannot start: {plan.Message}");
                        Set(launch.Container, s => (s.Started, plan.Reason, plan.Message, s.Restarts));
                        LogRefused(_owner.Logger, Job.Key, launch.Container, plan.Reason!, plan.Message!);
                        return;
                    }
                    Process process;
                    try
                    {
                        process = ReplicaRunner.StartProcess(plan.Plan);
                    }
                    catch (Win32Exception e)
                    {
                        var message = $"Command \"{plan.Plan.FileName}\" cannot be started: {e.Message}";
                        Set(launch.Container, s => (s.Started, "CommandNotFound", message, s.Restarts));
                        return;
                    }
                    var started = _owner.Time.GetUtcNow();
                    using (process)
                    {
                        LogStarted(_owner.Logger, Job.Key, launch.Container, process.Id);
                        Set(launch.Container, s => (true, null, null, s.Restarts));
                        var exitCode = await WaitAsync(process, log, options).ConfigureAwait(false);
                        if (_stop.IsCancellationRequested) return;
                        streak = _owner.Time.GetUtcNow() - started >= TimeSpan.FromMinutes(1) ? 1 : streak + 1;
                        var delay = RestartBackoff.Delay(streak, options.InitialRestartDelay, options.MaxRestartDelay);
                        log.Write($"[platform] exited with code {exitCode}; restarting in {delay.TotalSeconds:0.###} s");
                        LogExited(_owner.Logger, Job.Key, launch.Container, exitCode, delay);
                        Set(launch.Container, s => (s.Started, null, null, s.Restarts + 1));
                        await Task.Delay(delay, _owner.Time, _stop.Token).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // Stopped while backing off.
            }
        }

        /// <summary>Waits for the process to exit, or stops its group when the source stops; its exit code.</summary>
        private async Task<int> WaitAsync(Process process, ContainerLog log, ContainerOptions options)
        {
            var leader = ProcessGroup.Setsid is not null;
            var pumps = Task.WhenAll(log.PumpAsync(process.StandardOutput), log.PumpAsync(process.StandardError));
            var exited = process.WaitForExitAsync(CancellationToken.None);
            await Task.WhenAny(exited, Task.Delay(Timeout.Infinite, _stop.Token)).ConfigureAwait(false);
            if (!exited.IsCompleted)
            {
                ProcessGroup.Terminate(process.Id, leader);
                await Task.WhenAny(exited, Task.Delay(options.GracePeriod, CancellationToken.None)).ConfigureAwait(false);
            }
            // Children that outlive the program (a shell's background job) go with its group.
            ProcessGroup.Kill(process.Id, leader);
            if (!exited.IsCompleted)
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            }
            await exited.ConfigureAwait(false);
            if (leader) await ProcessGroup.WaitGoneAsync(process.Id, TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            await Task.WhenAny(pumps, Task.Delay(TimeSpan.FromMilliseconds(500), CancellationToken.None)).ConfigureAwait(false);
            return process.ExitCode;
        }

        /// <summary>The program on PATH (or relative to the working directory), in the working directory, with the inherited and the source's env.</summary>
        private static (LaunchPlan? Plan, string? Reason, string? Message) Plan(ContainerLaunch launch, ContainerOptions options)
        {
            var host = LaunchPlanner.Machine(dockerReachable: false);
            var workingDirectory = Path.GetFullPath(launch.WorkingDir ?? ".", options.BaseDirectory ?? Directory.GetCurrentDirectory());
            if (!host.DirectoryExists(workingDirectory))
                return (null, "WorkingDirNotFound", $"working directory \"{workingDirectory}\" does not exist");
            var environment = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var key in LocalBackendOptions.DefaultInheritedVariables)
                if (host.HostEnvironment.TryGetValue(key, out var value)) environment[key] = value;
            foreach (var (key, value) in launch.Env) environment[key] = value;
            var program = LaunchPlanner.Resolve(launch.Command[0], workingDirectory, environment.GetValueOrDefault("PATH"), host);
            if (program is null)
                return (null, "CommandNotFound", $"Command \"{launch.Command[0]}\" not found: no executable of that name on PATH or at that path");
            return (new LaunchPlan(program, [.. launch.Command.Skip(1), .. launch.Args], workingDirectory, environment, null), null, null);
        }
    }

    [LoggerMessage(EventId = 7501, Level = LogLevel.Information, Message = "ContainerSource {Source}: container {Container} started, pid {Pid}")]
    private static partial void LogStarted(ILogger logger, string source, string container, int pid);

    [LoggerMessage(EventId = 7502, Level = LogLevel.Warning, Message = "ContainerSource {Source}: container {Container} exited with code {ExitCode}; restarting in {Delay}")]
    private static partial void LogExited(ILogger logger, string source, string container, int exitCode, TimeSpan delay);

    [LoggerMessage(EventId = 7503, Level = LogLevel.Warning, Message = "ContainerSource {Source}: container {Container} cannot start: {Reason}: {Message}")]
    private static partial void LogRefused(ILogger logger, string source, string container, string reason, string message);
}

/// <summary>One container's log file: lines appended as they come, from both output streams.</summary>
internal sealed class ContainerLog(string path) : IAsyncDisposable
{
    private readonly StreamWriter _writer = new(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    private readonly Lock _lock = new();

    /// <summary>Appends one line.</summary>
    public void Write(string line)
    {
        lock (_lock) _writer.WriteLine(line);
    }

    /// <summary>Copies <paramref name="reader"/> line by line until the pipe closes.</summary>
    public async Task PumpAsync(StreamReader reader)
    {
        try
        {
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line) Write(line);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The pipe closed with the process.
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
