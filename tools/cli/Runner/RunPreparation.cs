using Platform.Cli.Output;
using Platform.Cli.Runner.Components;
using Platform.Cli.Runner.Health;
using Platform.Cli.Runner.Launch;
using Platform.Cli.Runner.RunFile;
using Platform.Cli.Runner.State;

namespace Platform.Cli.Runner;

/// <summary>How the run gets the Redis its components point at.</summary>
internal enum RedisPlan
{
    /// <summary>No component uses the local default Redis.</summary>
    NotNeeded,

    /// <summary>A Redis already answers on localhost:6379.</summary>
    Existing,

    /// <summary>The runner starts <c>redis-server</c> on 6379 and stops it with the rest.</summary>
    Start,

    /// <summary>No Redis: the components were rewritten to in-memory ones under <c>.platform/components</c>.</summary>
    InMemory,
}

/// <summary>A run that passed every check and can start.</summary>
/// <param name="File">The validated dapr.yaml.</param>
/// <param name="Launches">Apps with ports and component folders decided.</param>
/// <param name="Redis">How Redis is provided.</param>
/// <param name="RedisServer">Path of redis-server when <paramref name="Redis"/> is <see cref="RedisPlan.Start"/>.</param>
/// <param name="Notices">What the user should know before the logs start (yellow).</param>
internal sealed record PreparedRun(RunFileModel File, IReadOnlyList<AppLaunch> Launches, RedisPlan Redis, string? RedisServer, IReadOnlyList<string> Notices)
{
    /// <summary>The run's working folder: <c>.platform</c> next to dapr.yaml.</summary>
    public string PlatformDir => Path.Combine(File.BaseDir, ".platform");
}

/// <summary>Why a run cannot start: the messages and the exit code that fits them.</summary>
/// <param name="Heading">One-line summary.</param>
/// <param name="Problems">Each problem, one per line.</param>
/// <param name="Hint">What to do.</param>
/// <param name="ExitCode">2 for configuration errors, 1 for the machine's state (ports taken).</param>
internal sealed record RunRefusal(string Heading, IReadOnlyList<string> Problems, string? Hint, int ExitCode);

/// <summary>
/// Every check before anything starts: dapr.yaml, component files, leftovers of a dead run, free ports, Redis.
/// Nothing is started here except reading files and probing loopback ports.
/// </summary>
internal static class RunPreparation
{
    /// <summary>Prepares the run of <paramref name="filePath"/>.</summary>
    /// <param name="filePath">Absolute path of dapr.yaml.</param>
    /// <param name="fileLabel">Its name in messages.</param>
    /// <param name="componentsOverride">A folder replacing every app's resourcesPaths (<c>--components</c>), or null.</param>
    /// <param name="terminal">For warnings.</param>
    /// <param name="cancel">Stops the probes.</param>
    public static async Task<(PreparedRun? Run, RunRefusal? Refusal)> PrepareAsync(
        string filePath, string fileLabel, string? componentsOverride, Terminal terminal, CancellationToken cancel)
    {
        var loaded = RunFileLoader.LoadFile(filePath, fileLabel);
        foreach (var w in loaded.Warnings) terminal.Warn("warning: " + w);
        if (loaded.Model is not { } model)
            return (null, new RunRefusal($"{fileLabel} is not valid; nothing was started", loaded.Problems.Select(p => p.ToString()).ToList(),
                "fix the fields above and run again", ExitCode.Usage));

        if (componentsOverride is not null)
        {
            var dir = Path.GetFullPath(componentsOverride);
            if (!Directory.Exists(dir))
                return (null, new RunRefusal($"--components: folder \"{componentsOverride}\" does not exist", [], "pass a folder of Dapr component files, e.g. components/local", ExitCode.Usage));
            model = model with { Apps = model.Apps.Select(a => a with { ResourcesPaths = [dir] }).ToList() };
        }

        var cwd = Environment.CurrentDirectory;
        string Label(string path)
        {
            var rel = Path.GetRelativePath(cwd, path);
            return rel.StartsWith("..", StringComparison.Ordinal) ? path : rel;
        }
        var documents = new List<ComponentDocument>();
        var componentProblems = new List<string>();
        foreach (var dir in model.Apps.SelectMany(a => a.ResourcesPaths).Distinct(StringComparer.Ordinal))
        {
            var set = ComponentValidator.ValidateFolder(dir, Label);
            documents.AddRange(set.Documents);
            componentProblems.AddRange(set.Problems.Select(p => p.ToString()));
        }
        if (componentProblems.Count > 0)
            return (null, new RunRefusal("component files are not valid; nothing was started", componentProblems,
                "fix the files above (Dapr's component format: https://docs.dapr.io/reference/components-reference/)", ExitCode.Usage));

        var store = new RunStateStore(Path.Combine(model.BaseDir, ".platform"));
        if (store.Read() is { } previous)
        {
            if (RunStateStore.RunnerAlive(previous))
                return (null, new RunRefusal($"{fileLabel} is already running (runner pid {previous.RunnerPid})", [],
                    "stop it with `platform down` first, or see it with `platform status`", ExitCode.Failure));
            var killed = RunStateStore.KillLeftovers(previous, Path.Combine(model.BaseDir, ".platform"));
            if (killed > 0) terminal.Warn($"stopped {killed} process(es) left behind by a previous run that did not stop cleanly");
            store.Delete();
            if (killed > 0) await Task.Delay(300, cancel).ConfigureAwait(false);
        }

        var launches = LaunchPlanner.Plan(model.Apps, Probes.FreePort);
        var taken = LaunchPlanner.Claims(launches).Where(c => !Probes.PortIsFree(c.Port)).ToList();
        if (taken.Count > 0)
            return (null, new RunRefusal("ports needed by the apps are already in use; nothing was started",
                taken.Select(c => $"{c.AppId}: {c.Field} {c.Port} is already in use on 127.0.0.1").ToList(),
                "stop what listens there (`ss -ltnp` shows it) or change the port in " + fileLabel, ExitCode.Failure));

        var notices = new List<string>();
        var plan = RedisPlan.NotNeeded;
        string? redisServer = null;
        if (documents.Any(LocalRedis.Uses))
        {
            if (await Probes.RedisAnswersAsync(LocalRedis.Port, cancel).ConfigureAwait(false)) plan = RedisPlan.Existing;
            else if ((redisServer = Processes.ChildProcess.FindOnPath("redis-server")) is not null && Probes.PortIsFree(LocalRedis.Port))
            {
                plan = RedisPlan.Start;
                notices.Add($"Redis does not answer on localhost:{LocalRedis.Port}: starting redis-server there (data kept in .platform/redis, append-only file, fsync every second)");
            }
            else
            {
                plan = RedisPlan.InMemory;
                launches = RewriteToInMemory(launches, Path.Combine(model.BaseDir, ".platform", "components"));
                notices.Add(redisServer is null
                    ? $"Redis does not answer on localhost:{LocalRedis.Port} and redis-server is not installed:"
                    : $"Redis does not answer on localhost:{LocalRedis.Port} and the port is taken by something else:");
                notices.Add("  using in-memory pub/sub and state (copies in .platform/components). Events do NOT cross processes in");
                notices.Add("  this mode and state is lost on stop. Install Redis (apt-get install redis-server) for the real thing.");
            }
        }
        return (new PreparedRun(model, launches, plan, redisServer, notices), null);
    }

    private static IReadOnlyList<AppLaunch> RewriteToInMemory(IReadOnlyList<AppLaunch> launches, string target)
    {
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var dir in launches.SelectMany(l => l.ResourcesPaths).Distinct(StringComparer.Ordinal))
        {
            var copy = Path.Combine(target, $"{i++}-{Path.GetFileName(dir.TrimEnd(Path.DirectorySeparatorChar))}");
            InMemoryFallback.RewriteFolder(dir, copy);
            map[dir] = copy;
        }
        return launches.Select(l => l with { ResourcesPaths = l.ResourcesPaths.Select(p => map[p]).ToList() }).ToList();
    }
}
