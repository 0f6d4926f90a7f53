using System.Text.Json;
using System.Text.Json.Serialization;
using Platform.Cli.Runner.Processes;

namespace Platform.Cli.Runner.State;

/// <summary>Where a run is.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunPhase>))]
internal enum RunPhase
{
    /// <summary>Processes are starting; not every app is healthy yet.</summary>
    Starting,

    /// <summary>Every app and sidecar is healthy.</summary>
    Ready,

    /// <summary>The run failed; <see cref="RunState.Error"/> says why. Processes are being or have been stopped.</summary>
    Failed,

    /// <summary>The run is stopping on request.</summary>
    Stopping,
}

/// <summary>A process the run started, enough to find and stop it even if the runner died.</summary>
/// <param name="Name">Display name.</param>
/// <param name="AppId">App it belongs to.</param>
/// <param name="Role">App, sidecar or Redis.</param>
/// <param name="Pid">Process id (group id when <paramref name="OwnGroup"/>).</param>
/// <param name="StartTime">Start time, to tell a recycled pid apart.</param>
/// <param name="OwnGroup">Whether it leads its own process group.</param>
internal sealed record RunProcess(string Name, string AppId, ProcessRole Role, int Pid, DateTimeOffset StartTime, bool OwnGroup);

/// <summary>A process of the run that exited on its own after the run was ready, and was restarted.</summary>
/// <param name="Name">Display name (<c>activator</c>, <c>activator (dapr)</c>, <c>redis</c>).</param>
/// <param name="AppId">App it belongs to.</param>
/// <param name="Crashes">How many times it exited on its own.</param>
/// <param name="LastExitCode">Its last exit code (137 for SIGKILL seen as 128+9; -1 when unknown).</param>
/// <param name="LastExitAt">When it last exited.</param>
/// <param name="LastLines">The last lines it wrote before that exit.</param>
internal sealed record RunCrash(string Name, string AppId, int Crashes, int LastExitCode, DateTimeOffset LastExitAt, IReadOnlyList<string> LastLines);

/// <summary>An app of the run and its ports.</summary>
/// <param name="AppId">App-id.</param>
/// <param name="AppPort">App port, or null.</param>
/// <param name="DaprHttpPort">Sidecar HTTP port.</param>
/// <param name="DaprGrpcPort">Sidecar gRPC port.</param>
/// <param name="MetricsPort">Sidecar metrics port.</param>
/// <param name="HealthUrl">The app's health URL, or null when readiness is a TCP connect (or it has no port).</param>
/// <param name="Status">Last known status (<c>starting</c>, <c>healthy</c>, <c>restarting</c>, <c>exited</c>).</param>
/// <param name="AppMetricsPort">The app's own Prometheus port (<c>Telemetry__MetricsPort</c> in its env), or null.</param>
internal sealed record RunApp(string AppId, int? AppPort, int DaprHttpPort, int DaprGrpcPort, int MetricsPort, string? HealthUrl, string Status,
    int? AppMetricsPort = null);

/// <summary>
/// <c>.platform/run/state.json</c>: what <c>platform up</c> is running, written by the runner (foreground or the
/// background supervisor) and read by <c>down</c>, <c>status</c> and the next <c>up</c>.
/// </summary>
internal sealed record RunState
{
    /// <summary>Pid of the runner (the supervisor for <c>--detach</c>).</summary>
    public required int RunnerPid { get; init; }

    /// <summary>Start time of the runner, to tell a recycled pid apart.</summary>
    public required DateTimeOffset RunnerStartTime { get; init; }

    /// <summary>Whether the runner runs in the background.</summary>
    public required bool Detached { get; init; }

    /// <summary>The dapr.yaml it runs.</summary>
    public required string File { get; init; }

    /// <summary>Where it is.</summary>
    public RunPhase Phase { get; init; } = RunPhase.Starting;

    /// <summary>Why it failed, when <see cref="Phase"/> is <see cref="RunPhase.Failed"/>.</summary>
    public string? Error { get; init; }

    /// <summary>Notices the user should see (in-memory fallback, Redis started).</summary>
    public IReadOnlyList<string> Notices { get; init; } = [];

    /// <summary>The apps.</summary>
    public IReadOnlyList<RunApp> Apps { get; init; } = [];

    /// <summary>The processes, in start order.</summary>
    public IReadOnlyList<RunProcess> Processes { get; init; } = [];

    /// <summary>Processes that crashed and were restarted, by name.</summary>
    public IReadOnlyList<RunCrash> Crashes { get; init; } = [];
}

/// <summary>Reads and writes <see cref="RunState"/> atomically (write then rename).</summary>
/// <param name="platformDir">The run's <c>.platform</c> folder.</param>
internal sealed class RunStateStore(string platformDir)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Path of the state file.</summary>
    public string Path { get; } = System.IO.Path.Combine(platformDir, "run", "state.json");

    /// <summary>The recorded state, or null when none (or unreadable, which is treated as none).</summary>
    public RunState? Read()
    {
        try
        {
            return File.Exists(Path) ? JsonSerializer.Deserialize<RunState>(File.ReadAllText(Path), Json) : null;
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return null;
        }
    }

    /// <summary>Records <paramref name="state"/>.</summary>
    public void Write(RunState state)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var temp = Path + "." + Environment.ProcessId + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(state, Json));
        File.Move(temp, Path, overwrite: true);
    }

    /// <summary>Removes the state file.</summary>
    public void Delete()
    {
        try { File.Delete(Path); } catch (IOException) { }
    }

    /// <summary>Whether the runner recorded in <paramref name="state"/> is still alive.</summary>
    public static bool RunnerAlive(RunState state) => Signals.IsSameProcess(state.RunnerPid, state.RunnerStartTime);

    /// <summary>
    /// Kills what a dead runner left behind: every recorded process that is still the same process (SIGKILL to
    /// its group), then the replicas its serving-controller recorded in <c>.platform/run/replicas</c> (the controller
    /// first, so that it cannot start new ones). Returns how many were found.
    /// </summary>
    public static int KillLeftovers(RunState state, string platformDir)
    {
        var killed = KillRecordedProcesses(state);
        var replicas = System.IO.Path.Combine(platformDir, "run", "replicas");
        if (Directory.Exists(replicas)) killed += new Platform.Workloads.Local.ReplicaRecords(replicas).ReapLeftovers().Count;
        return killed;
    }

    private static int KillRecordedProcesses(RunState state)
    {
        var killed = 0;
        foreach (var p in state.Processes)
        {
            var same = Signals.IsSameProcess(p.Pid, p.StartTime);
            // A group whose leader is gone can only be the recorded one: a new group with this id needs a live leader.
            var orphanedGroup = p.OwnGroup && !same && !Signals.Send(p.Pid, 0) && Signals.GroupAlive(p.Pid);
            if (!same && !orphanedGroup) continue;
            killed++;
            if (p.OwnGroup) Signals.SendToGroup(p.Pid, Signals.Kill);
            else Signals.Send(p.Pid, Signals.Kill);
        }
        return killed;
    }
}
