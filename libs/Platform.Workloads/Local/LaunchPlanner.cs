using System.Globalization;
using Platform.Serving.Contracts.Revisions;

namespace Platform.Workloads.Local;

/// <summary>How to start one replica's process.</summary>
/// <param name="FileName">The resolved program.</param>
/// <param name="Arguments">Its arguments.</param>
/// <param name="WorkingDirectory">Absolute working directory.</param>
/// <param name="Environment">The complete environment of the process.</param>
/// <param name="DockerContainer">The container's name when the replica runs an image through <c>docker run</c>.</param>
internal sealed record LaunchPlan(string FileName, IReadOnlyList<string> Arguments, string WorkingDirectory, IReadOnlyDictionary<string, string> Environment, string? DockerContainer)
{
    /// <summary>The revision's other containers, each started beside the serving one in the same replica.</summary>
    public IReadOnlyList<SidecarLaunch> Sidecars { get; init; } = [];
}

/// <summary>How one sidecar container of a replica is started.</summary>
/// <param name="Name">The container's name (its log lines are prefixed with it).</param>
/// <param name="Plan">Its process.</param>
internal sealed record SidecarLaunch(string Name, LaunchPlan Plan);

/// <summary>A plan, or why the replica cannot be started (a reason of <see cref="WorkloadFailureReasons"/>).</summary>
internal sealed record LaunchDecision(LaunchPlan? Plan, string? Reason, string? Message)
{
    public static LaunchDecision Refuse(string reason, string message) => new(null, reason, message);
}

/// <summary>What the planner may ask of the machine; real in production, tables in tests.</summary>
/// <param name="IsExecutable">True when the path is an executable file.</param>
/// <param name="DirectoryExists">True when the path is a directory.</param>
/// <param name="HostEnvironment">This process's environment.</param>
/// <param name="DockerReachable">True when a Docker engine answered its ping.</param>
internal sealed record LaunchHost(Func<string, bool> IsExecutable, Func<string, bool> DirectoryExists, IReadOnlyDictionary<string, string> HostEnvironment, bool DockerReachable);

/// <summary>
/// Decides how a replica is started, pure given <see cref="LaunchHost"/>: the container's command and args in its
/// working directory, or <c>docker run</c> of its image when it has no command and an engine is reachable. The
/// environment is the host's (optionally), then the spec's, then Knative's runtime contract: PORT, K_SERVICE,
/// K_CONFIGURATION, K_REVISION.
/// </summary>
internal static class LaunchPlanner
{
    public static LaunchDecision Plan(RevisionWorkload workload, LocalBackendOptions options, string replica, int port, LaunchHost host)
    {
        // ConfigMaps and Secrets live in Kubernetes: locally there is nowhere to read them from.
        var sourced = Sourced(workload.Env, workload.EnvFrom, workload.ContainerName)
            ?? workload.Sidecars.Select(s => Sourced(s.Env, s.EnvFrom, s.Name)).FirstOrDefault(m => m is not null);
        if (sourced is not null)
        {
            return LaunchDecision.Refuse(WorkloadFailureReasons.ConfigSourceUnavailable, sourced);
        }

        var serving = PlanServing(workload, options, replica, port, host);
        if (serving.Plan is not { } plan || workload.Sidecars.Count == 0)
        {
            return serving;
        }

        var sidecars = new List<SidecarLaunch>();
        foreach (var sidecar in workload.Sidecars)
        {
            var decision = PlanSidecar(workload, sidecar, options, replica, host);
            if (decision.Plan is not { } sidecarPlan)
            {
                return LaunchDecision.Refuse(decision.Reason!, $"Sidecar \"{sidecar.Name}\": {decision.Message}");
            }

            sidecars.Add(new SidecarLaunch(sidecar.Name, sidecarPlan));
        }

        return new LaunchDecision(plan with { Sidecars = sidecars }, null, null);
    }

    private static string? Sourced(IReadOnlyList<EnvironmentVariable> env, IReadOnlyList<EnvironmentReference> envFrom, string container)
    {
        if (env.FirstOrDefault(e => e.From is not null) is { From: { } from } variable)
        {
            return $"Container \"{container}\": {variable.Name} comes from {from.Kind} \"{from.Name}\" key \"{from.Key}\", and ConfigMaps and Secrets exist only in Kubernetes: locally give {variable.Name} a literal value (env value), or run this revision in Kubernetes mode.";
        }

        return envFrom.FirstOrDefault() is { } import
            ? $"Container \"{container}\": envFrom {import.Kind} \"{import.Name}\" exists only in Kubernetes: locally list the variables in env with literal values, or run this revision in Kubernetes mode."
            : null;
    }

    // A sidecar runs beside the serving process with its own environment (no PORT: it serves nothing the activator sees).
    private static LaunchDecision PlanSidecar(RevisionWorkload workload, SidecarContainer sidecar, LocalBackendOptions options, string replica, LaunchHost host)
    {
        var workingDirectory = Path.GetFullPath(sidecar.Command.Count > 0 && sidecar.WorkingDir is { } dir ? dir : ".", options.BaseDirectory);
        if (!host.DirectoryExists(workingDirectory))
        {
            return LaunchDecision.Refuse(WorkloadFailureReasons.WorkingDirNotFound, $"working directory \"{workingDirectory}\" does not exist");
        }

        var environment = Inherited(options, host);
        foreach (var variable in sidecar.Env)
        {
            environment[variable.Name] = variable.Value;
        }

        if (sidecar.Command.Count > 0)
        {
            var program = Resolve(sidecar.Command[0], workingDirectory, environment.GetValueOrDefault("PATH"), host);
            return program is null
                ? LaunchDecision.Refuse(WorkloadFailureReasons.CommandNotFound, NotFound(sidecar.Command[0], workingDirectory))
                : new LaunchDecision(new LaunchPlan(program, [.. sidecar.Command.Skip(1), .. sidecar.Args], workingDirectory, environment, null), null, null);
        }

        return LaunchDecision.Refuse(WorkloadFailureReasons.ContainerMissing,
            $"image \"{sidecar.Image}\" without a command cannot run as a local process: give the sidecar a command");
    }

    private static Dictionary<string, string> Inherited(LocalBackendOptions options, LaunchHost host)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in options.InheritedVariables)
        {
            if (host.HostEnvironment.TryGetValue(key, out var value))
            {
                environment[key] = value;
            }
        }

        return environment;
    }

    private static LaunchDecision PlanServing(RevisionWorkload workload, LocalBackendOptions options, string replica, int port, LaunchHost host)
    {
        var workingDirectory = Path.GetFullPath(workload.Command.Count > 0 && workload.WorkingDir is { } dir ? dir : ".", options.BaseDirectory);
        if (!host.DirectoryExists(workingDirectory))
        {
            return LaunchDecision.Refuse(WorkloadFailureReasons.WorkingDirNotFound, $"working directory \"{workingDirectory}\" does not exist (workingDir \"{workload.WorkingDir}\", base directory \"{options.BaseDirectory}\")");
        }

        var contract = Contract(workload, port);
        var environment = Inherited(options, host);

        foreach (var variable in workload.Env)
        {
            environment[variable.Name] = variable.Value;
        }

        foreach (var (key, value) in contract)
        {
            environment[key] = value;
        }

        if (workload.Command.Count > 0)
        {
            var program = Resolve(workload.Command[0], workingDirectory, environment.GetValueOrDefault("PATH"), host);
            if (program is null)
            {
                return LaunchDecision.Refuse(WorkloadFailureReasons.CommandNotFound, NotFound(workload.Command[0], workingDirectory));
            }

            return new LaunchDecision(new LaunchPlan(program, [.. workload.Command.Skip(1), .. workload.Args], workingDirectory, environment, null), null, null);
        }

        if (!host.DockerReachable)
        {
            return LaunchDecision.Refuse(
                WorkloadFailureReasons.ContainerMissing,
                $"Image \"{workload.Image}\" cannot run: no Docker engine is reachable at {options.DockerSocketPath}. Give the container a command (e.g. --cmd on the CLI) to run it as a local process.");
        }

        var docker = Resolve(options.DockerCommand, workingDirectory, environment.GetValueOrDefault("PATH"), host);
        if (docker is null)
        {
            return LaunchDecision.Refuse(WorkloadFailureReasons.ContainerMissing, $"Image \"{workload.Image}\" cannot run: the Docker engine answers but the docker CLI \"{options.DockerCommand}\" was not found. Install it, or give the container a command (e.g. --cmd on the CLI).");
        }

        var name = DockerName(workload.Revision, replica);
        var arguments = new List<string> { "run", "--rm", "--name", name, "--network", "host" };
        // The runtime contract's names are the platform's: a spec value for them is dropped, as in the process env.
        foreach (var variable in workload.Env.Where(e => !contract.Any(c => c.Key == e.Name)))
        {
            arguments.Add("-e");
            arguments.Add($"{variable.Name}={variable.Value}");
        }

        foreach (var (key, value) in contract)
        {
            arguments.Add("-e");
            arguments.Add($"{key}={value}");
        }

        if (workload.WorkingDir is { Length: > 0 } containerDir)
        {
            arguments.Add("--workdir");
            arguments.Add(containerDir);
        }

        arguments.Add(workload.Image!);
        arguments.AddRange(workload.Args);
        return new LaunchDecision(new LaunchPlan(docker, arguments, workingDirectory, environment, name), null, null);
    }

    /// <summary>Knative's runtime contract variables for one replica.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Contract(RevisionWorkload workload, int port) =>
    [
        new(ServingLabels.PortEnv, port.ToString(CultureInfo.InvariantCulture)),
        new(ServingLabels.ServiceEnv, workload.Service),
        new(ServingLabels.ConfigurationEnv, workload.Configuration),
        new(ServingLabels.RevisionEnv, workload.Revision.Name),
    ];

    /// <summary>A program name with a slash is a path (relative to the working directory); otherwise it is looked up on PATH.</summary>
    public static string? Resolve(string program, string workingDirectory, string? path, LaunchHost host)
    {
        if (program.Length == 0)
        {
            return null;
        }

        if (program.Contains('/'))
        {
            var full = Path.GetFullPath(program, workingDirectory);
            return host.IsExecutable(full) ? full : null;
        }

        foreach (var dir in (path ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, program);
            if (host.IsExecutable(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string NotFound(string program, string workingDirectory) => program.Contains('/')
        ? $"Command \"{program}\" not found: \"{Path.GetFullPath(program, workingDirectory)}\" is not an executable file."
        : $"Command \"{program}\" not found: no executable of that name on PATH.";

    private static string DockerName(RevisionKey revision, string replica) => $"platform-{revision.Namespace}-{replica}";

    /// <summary>The real machine.</summary>
    public static LaunchHost Machine(bool dockerReachable) => new(IsExecutableFile, Directory.Exists, HostEnvironment(), dockerReachable);

    private static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & execute) != 0;
    }

    private static Dictionary<string, string> HostEnvironment()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            result[(string)entry.Key] = entry.Value as string ?? "";
        }

        return result;
    }
}
