using System.Diagnostics;
using Platform.Cli.Output;
using Platform.Cli.Runner.Health;
using Platform.Cli.Runner.Launch;
using Platform.Cli.Runner.Logs;
using Platform.Cli.Runner.Processes;
using Platform.Cli.Runner.RunFile;
using Platform.Cli.Runner.State;
using Platform.Resources.Durations;

namespace Platform.Cli.Runner;

/// <summary>Settings of one local run.</summary>
/// <param name="SidecarCommand">How to start the sidecar (<c>dotnet .../platform-sidecar.dll</c>); the per-app arguments follow.</param>
/// <param name="StartTimeout">How long every app may take to become healthy.</param>
/// <param name="Detached">Whether this is the background supervisor of <c>up --detach</c>.</param>
internal sealed record LocalRunOptions(IReadOnlyList<string> SidecarCommand, TimeSpan StartTimeout, bool Detached)
{
    /// <summary>How long a process may take to stop after SIGTERM before it is killed.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>First delay before restarting a process that exited on its own (default 1 s); doubles per crash in a row.</summary>
    public TimeSpan InitialRestartDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest restart delay (default 30 s).</summary>
    public TimeSpan MaxRestartDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A process that ran this long before exiting restarts with the initial delay again (default 60 s).</summary>
    public TimeSpan RestartStreakResetAfter { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>
/// Runs a prepared dapr.yaml: Redis when planned (with AOF persistence), then per app its sidecar and the app; waits
/// for health, prints the apps table, then supervises until a stop request (exit 0). A process that exits before
/// the run is ready fails the run (exit 1, everything else stopped: a start-up failure is a configuration to fix);
/// one that exits afterwards is restarted with crash-loop back-off (1 s, 2 s, 4 s ... 30 s; reset after 60 s up),
/// its crash count, last exit code and last lines recorded for <c>platform status</c>, and the rest keeps running.
/// Keeps <c>.platform/run/state.json</c> current so <c>down</c>, <c>status</c> and the next <c>up</c> find the
/// processes. Logs go to <c>.platform/logs</c>; the previous runs' are kept under <c>.platform/logs/runs</c>.
/// </summary>
internal sealed class LocalRun(PreparedRun run, LocalRunOptions options, Terminal terminal)
{
    private readonly List<ChildProcess> _processes = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _status = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StreamWriter> _logs = new(StringComparer.Ordinal);
    private readonly RunStateStore _store = new(run.PlatformDir);
    private readonly object _gate = new();
    private readonly int _width = LogPrefix.Width(run.Launches.Select(l => l.App.AppId).Append("redis"));
    private readonly Dictionary<string, RunCrash> _crashes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Colour, LogDestination Destination)> _outputs = new(StringComparer.Ordinal);
    private RunState _state = null!;
    private RunPhase _phase = RunPhase.Starting;

    /// <summary>Runs until stopped; returns the exit code.</summary>
    public async Task<int> RunAsync(CancellationToken stop)
    {
        using var self = Process.GetCurrentProcess();
        _state = new RunState
        {
            RunnerPid = Environment.ProcessId,
            RunnerStartTime = new DateTimeOffset(self.StartTime.ToUniversalTime(), TimeSpan.Zero),
            Detached = options.Detached,
            File = run.File.Path,
            Notices = run.Notices,
        };
        foreach (var l in run.Launches) _status[l.App.AppId] = "starting";
        PrepareFolders();
        SaveState(RunPhase.Starting);
        foreach (var notice in run.Notices) terminal.Warn(notice);
        if (run.Redis == RedisPlan.Existing) terminal.Progress("using the Redis that answers on localhost:6379");

        try
        {
            var failure = await StartAndWaitAsync(stop).ConfigureAwait(false);
            if (failure is null && !stop.IsCancellationRequested)
            {
                foreach (var l in run.Launches) _status[l.App.AppId] = "healthy";
                SaveState(RunPhase.Ready);
                AppTable.Write(terminal, _state.Apps);
                terminal.Success(options.Detached ? "ready" : "ready (Ctrl-C stops every app)");
                failure = await SuperviseAsync(stop).ConfigureAwait(false);
            }
            if (failure is not null)
            {
                terminal.Fail(failure.Value.Message, failure.Value.Lines.Select(l => "  " + l).Prepend(failure.Value.Lines.Count > 0 ? "last output:" : "").Where(l => l.Length > 0),
                    "every other app was stopped; logs are in " + Relative(Path.Combine(run.PlatformDir, "logs")));
                _state = _state with { Error = failure.Value.Message + Environment.NewLine + string.Join(Environment.NewLine, failure.Value.Lines) };
                SaveState(RunPhase.Failed);
                await StopAllAsync().ConfigureAwait(false);
                SaveState(RunPhase.Failed);
                if (!options.Detached) _store.Delete();
                return ExitCode.Failure;
            }
            terminal.Progress("stopping...");
            SaveState(RunPhase.Stopping);
            await StopAllAsync().ConfigureAwait(false);
            _store.Delete();
            terminal.Progress("stopped");
            return ExitCode.Ok;
        }
        finally
        {
            await StopAllAsync().ConfigureAwait(false);
            lock (_gate)
                foreach (var log in _logs.Values) log.Dispose();
        }
    }

    private static string Relative(string path)
    {
        var rel = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return rel.StartsWith("..", StringComparison.Ordinal) ? path : rel;
    }

    private readonly record struct Failure(string Message, IReadOnlyList<string> Lines);

    private void PrepareFolders()
    {
        var logs = Path.Combine(run.PlatformDir, "logs");
        // The background supervisor's parent rotated them already (and writes up.log beside the new ones).
        if (!options.Detached) RunLogs.KeepPrevious(logs);
        Directory.CreateDirectory(logs);
        var registry = RegistryDir;
        // Registrations of a previous run would point sidecars at ports that no longer answer.
        if (Directory.Exists(registry)) Directory.Delete(registry, recursive: true);
        Directory.CreateDirectory(registry);
        foreach (var l in run.Launches) _logs[l.App.AppId] = OpenLog(Path.Combine(logs, l.App.AppId + ".log"));
        if (run.Redis == RedisPlan.Start)
        {
            _logs["redis"] = OpenLog(Path.Combine(logs, "redis.log"));
            Directory.CreateDirectory(Path.Combine(run.PlatformDir, "redis"));
        }
    }

    private string RegistryDir => Path.Combine(run.PlatformDir, "run", "sidecars");

    private static StreamWriter OpenLog(string path) =>
        new(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };

    private async Task<Failure?> StartAndWaitAsync(CancellationToken stop)
    {
        if (run.Redis == RedisPlan.Start)
        {
            var redis = Start(new ProcessSpec("redis", "redis", ProcessRole.Redis,
                RedisArguments(run.RedisServer!, Path.Combine(run.PlatformDir, "redis")),
                run.File.BaseDir, new EnvironmentChange(new Dictionary<string, string>(), [])), 0, LogDestination.FileAndConsole);
            if (redis.Failure is { } f) return f;
            var deadline = Stopwatch.StartNew();
            while (!await Probes.RedisAnswersAsync(6379, stop).ConfigureAwait(false))
            {
                if (stop.IsCancellationRequested) return null;
                if (redis.Process!.Exited.IsCompleted) return Exited(redis.Process);
                if (deadline.Elapsed > TimeSpan.FromSeconds(10)) return new Failure("redis-server did not answer PING on 127.0.0.1:6379 within 10 s", redis.Process.LastLines());
                await Task.Delay(100, stop).ConfigureAwait(false);
            }
        }

        // Generated by the first run (mode 0600) and reused: the API tokens and the app↔sidecar Dapr tokens.
        var secrets = Secrets.RunSecrets.Ensure(run.PlatformDir);
        foreach (var launch in run.Launches)
        {
            var app = launch.App;
            EnvironmentChange appEnvironment;
            try
            {
                appEnvironment = AppEnvironment.ForApp(launch, run.PlatformDir, secrets);
            }
            catch (InvalidOperationException e)
            {
                return new Failure(e.Message, []);
            }
            var sidecar = Start(new ProcessSpec(LogPrefix.SidecarName(app.AppId), app.AppId, ProcessRole.Sidecar,
                [.. options.SidecarCommand, .. SidecarArguments.For(launch, RegistryDir)],
                run.File.BaseDir, AppEnvironment.ForSidecar(appEnvironment)), app.Index, app.DaprdLogDestination);
            if (sidecar.Failure is { } f1) return f1;
            var started = Start(new ProcessSpec(app.AppId, app.AppId, ProcessRole.App, app.Command, app.AppDirPath,
                appEnvironment), app.Index, app.AppLogDestination);
            if (started.Failure is { } f2) return f2;
        }

        terminal.Progress($"waiting for {run.Launches.Count} app(s) and their sidecars to be healthy...");
        var clock = Stopwatch.StartNew();
        var waits = run.Launches.Select(l => WaitHealthyAsync(l, clock, stop)).ToList();
        var all = Task.WhenAll(waits);
        var anyExit = AnyExitAsync();
        using var timeout = new CancellationTokenSource(options.StartTimeout);
        var timedOut = Task.Delay(Timeout.Infinite, timeout.Token);
        var lastReport = clock.Elapsed;
        while (true)
        {
            var done = await Task.WhenAny(all, anyExit, timedOut, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None), WhenCancelled(stop)).ConfigureAwait(false);
            if (stop.IsCancellationRequested) return null;
            if (done == all) return null;
            if (done == anyExit) return Exited(await anyExit.ConfigureAwait(false));
            if (done == timedOut)
            {
                var pending = run.Launches.Where(l => _status[l.App.AppId] != "healthy").Select(l => $"{l.App.AppId} ({_status[l.App.AppId]})");
                return new Failure($"timed out after {options.StartTimeout.TotalSeconds:0} s waiting for: {string.Join(", ", pending)}", []);
            }
            if (clock.Elapsed - lastReport >= TimeSpan.FromSeconds(5))
            {
                lastReport = clock.Elapsed;
                var pending = run.Launches.Where(l => _status[l.App.AppId] != "healthy").Select(l => $"{l.App.AppId} ({_status[l.App.AppId]})");
                terminal.Progress($"  still waiting ({clock.Elapsed.TotalSeconds:0} s): {string.Join(", ", pending)}");
            }
        }
    }

    private static Task WhenCancelled(CancellationToken token) => Task.Delay(Timeout.Infinite, token).ContinueWith(_ => { }, TaskScheduler.Default);

    private async Task WaitHealthyAsync(AppLaunch launch, Stopwatch clock, CancellationToken stop)
    {
        var id = launch.App.AppId;
        var sidecarUrl = $"http://127.0.0.1:{launch.Ports.DaprHttp}/v1.0/healthz";
        _status[id] = "sidecar starting";
        while (!stop.IsCancellationRequested && await Probes.StatusAsync(sidecarUrl, stop).ConfigureAwait(false) != 204)
            await Task.Delay(200, stop).ConfigureAwait(false);
        _status[id] = "app starting";
        if (launch.Ports.App is int port)
        {
            if (launch.App.EnableAppHealthCheck)
            {
                var url = $"http://127.0.0.1:{port}{launch.App.AppHealthCheckPath}";
                while (!stop.IsCancellationRequested && await Probes.StatusAsync(url, stop).ConfigureAwait(false) is not (>= 200 and < 300) and var code)
                {
                    if (code is int c) _status[id] = $"app answers {c} on {launch.App.AppHealthCheckPath}";
                    await Task.Delay(200, stop).ConfigureAwait(false);
                }
            }
            else
                while (!stop.IsCancellationRequested && !await Probes.AcceptsConnectionsAsync(port, stop).ConfigureAwait(false))
                    await Task.Delay(200, stop).ConfigureAwait(false);
        }
        _status[id] = "healthy";
        terminal.Progress($"  ✓ {id} healthy ({clock.Elapsed.TotalSeconds:0.0} s)");
        SaveState();
    }

    /// <summary>
    /// The redis-server command line: loopback only, data in <c>.platform/redis</c>, append-only file with
    /// <c>appendfsync everysec</c>. Redis writes each command to the AOF before it replies, so a crash of redis-server
    /// alone loses nothing acknowledged; a crash of the machine loses at most the last second or so (not yet fsynced).
    /// No RDB snapshots: the AOF is the only copy and is rewritten by Redis as it grows.
    /// </summary>
    public static IReadOnlyList<string> RedisArguments(string redisServer, string dataDir) =>
        [redisServer, "--port", "6379", "--bind", "127.0.0.1", "--dir", dataDir,
         "--appendonly", "yes", "--appendfsync", "everysec", "--save", ""];

    private async Task<Failure?> SuperviseAsync(CancellationToken stop)
    {
        List<ChildProcess> snapshot;
        lock (_gate) snapshot = [.. _processes];
        var loops = snapshot.Select(p => KeepRunningAsync(p, stop)).ToList();
        await WhenCancelled(stop).ConfigureAwait(false);
        await Task.WhenAll(loops).ConfigureAwait(false);
        return null;
    }

    /// <summary>Restarts <paramref name="process"/> each time it exits on its own, with back-off, until the run stops.</summary>
    private async Task KeepRunningAsync(ChildProcess process, CancellationToken stop)
    {
        var current = process;
        var streak = 0;
        var upSince = Stopwatch.StartNew();
        while (true)
        {
            try { await current.Exited.WaitAsync(stop).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            if (stop.IsCancellationRequested) return;

            streak = upSince.Elapsed >= options.RestartStreakResetAfter ? 1 : streak + 1;
            var spec = current.Spec;
            var crash = RecordCrash(current);
            lock (_gate)
            {
                _processes.Remove(current);
                current.Dispose();
            }
            ChildProcess? next = null;
            while (next is null)
            {
                var delay = RestartBackoff.Delay(streak, options.InitialRestartDelay, options.MaxRestartDelay);
                _status[spec.AppId] = $"restarting ({spec.Name} exited {crash.LastExitCode}, crash {crash.Crashes})";
                SaveState();
                terminal.Warn($"{spec.Name} exited with code {crash.LastExitCode} (crash {crash.Crashes}); restarting in {delay.TotalSeconds:0.#} s");
                try { await Task.Delay(delay, stop).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
                var output = _outputs[spec.Name];
                var (started, failure) = Start(spec, output.Colour, output.Destination);
                if (started is null) terminal.Warn(failure!.Value.Message);
                next = started;
                streak++;
            }
            current = next;
            upSince.Restart();
            _ = BecomeHealthyAgainAsync(spec, stop);
        }
    }

    private RunCrash RecordCrash(ChildProcess exited)
    {
        var code = exited.Exited.Result;
        lock (_gate)
        {
            var count = _crashes.TryGetValue(exited.Spec.Name, out var previous) ? previous.Crashes + 1 : 1;
            var crash = new RunCrash(exited.Spec.Name, exited.Spec.AppId, count, code, DateTimeOffset.UtcNow, exited.LastLines().TakeLast(10).ToList());
            _crashes[exited.Spec.Name] = crash;
            return crash;
        }
    }

    private async Task BecomeHealthyAgainAsync(ProcessSpec spec, CancellationToken stop)
    {
        try
        {
            if (spec.Role == ProcessRole.Redis)
            {
                while (!await Probes.RedisAnswersAsync(LocalRedisPort, stop).ConfigureAwait(false)) await Task.Delay(200, stop).ConfigureAwait(false);
                terminal.Progress("  ✓ redis answers again");
                return;
            }
            var launch = run.Launches.First(l => l.App.AppId == spec.AppId);
            await WaitHealthyAsync(launch, Stopwatch.StartNew(), stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The run is stopping.
        }
    }

    private const int LocalRedisPort = Components.LocalRedis.Port;

    private async Task<ChildProcess> AnyExitAsync()
    {
        List<ChildProcess> snapshot;
        lock (_gate) snapshot = [.. _processes];
        var first = await Task.WhenAny(snapshot.Select(async p => { await p.Exited.ConfigureAwait(false); return p; })).ConfigureAwait(false);
        return await first.ConfigureAwait(false);
    }

    private Failure Exited(ChildProcess p)
    {
        var code = p.Exited.Result;
        _status[p.Spec.AppId] = "exited";
        var what = p.Spec.Role switch
        {
            ProcessRole.Sidecar when code == 2 => $"{p.Spec.Name} refused its configuration (exit code 2)",
            ProcessRole.Redis => $"redis-server exited with code {code}",
            _ => $"{p.Spec.Name} exited with code {code}",
        };
        return new Failure(what, p.LastLines().TakeLast(15).ToList());
    }

    private (ChildProcess? Process, Failure? Failure) Start(ProcessSpec spec, int colourIndex, LogDestination destination)
    {
        var colour = terminal.OutColour ? (spec.Role == ProcessRole.Redis ? Ansi.Dim : LogPrefix.ColourOf(colourIndex)) : null;
        var log = _logs[spec.AppId];
        var toConsole = destination != LogDestination.File;
        var toFile = destination != LogDestination.Console;
        void OnLine(string line)
        {
            if (toFile)
                lock (log) log.WriteLine(LogPrefix.Format(spec.Name, _width, line, null));
            if (toConsole) terminal.Raw(LogPrefix.Format(spec.Name, _width, line, colour));
        }
        try
        {
            var p = ChildProcess.Start(spec, OnLine);
            lock (_gate)
            {
                _processes.Add(p);
                _outputs[spec.Name] = (colourIndex, destination);
            }
            SaveState();
            return (p, null);
        }
        catch (Exception e) when (e is FileNotFoundException or System.ComponentModel.Win32Exception)
        {
            return (null, new Failure($"{spec.Name} cannot start: {e.Message} (command: {string.Join(' ', spec.Command)})", []));
        }
    }

    private void SaveState(RunPhase? phase = null)
    {
        lock (_gate)
        {
            if (phase is { } p) _phase = p;
            _state = _state with
            {
                Phase = _phase,
                Crashes = [.. _crashes.Values],
                Apps = run.Launches.Select(l => new RunApp(l.App.AppId, l.Ports.App, l.Ports.DaprHttp, l.Ports.DaprGrpc, l.Ports.Metrics,
                    l.Ports.App is int p && l.App.EnableAppHealthCheck ? $"http://127.0.0.1:{p}{l.App.AppHealthCheckPath}" : null,
                    _status[l.App.AppId],
                    l.App.Env.TryGetValue("Telemetry__MetricsPort", out var m) && int.TryParse(m, out var metrics) && metrics > 0 ? metrics : null)).ToList(),
                Processes = _processes.Where(p => !p.Exited.IsCompleted || _phase == RunPhase.Starting)
                    .Select(p => new RunProcess(p.Spec.Name, p.Spec.AppId, p.Spec.Role, p.Pid, p.StartTime, p.OwnGroup)).ToList(),
            };
            _store.Write(_state);
        }
    }

    private async Task StopAllAsync()
    {
        List<ChildProcess> snapshot;
        lock (_gate) snapshot = [.. _processes];
        // Apps first (they may still talk to their sidecars while shutting down), then sidecars, then Redis.
        foreach (var role in new[] { ProcessRole.App, ProcessRole.Sidecar, ProcessRole.Redis })
            await Task.WhenAll(snapshot.Where(p => p.Spec.Role == role).Select(p => p.StopAsync(options.StopGrace))).ConfigureAwait(false);
    }
}
