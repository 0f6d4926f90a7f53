namespace Platform.Cli.Runner.RunFile;

/// <summary>Where an app's console output goes (Dapr's <c>appLogDestination</c> / <c>daprdLogDestination</c>).</summary>
internal enum LogDestination
{
    /// <summary>Only the log file under <c>.platform/logs</c>.</summary>
    File,

    /// <summary>Only the runner's console.</summary>
    Console,

    /// <summary>Both (the runner's default).</summary>
    FileAndConsole,
}

/// <summary>
/// One app of a <c>dapr.yaml</c> with its <c>common</c> block already merged in: what the runner starts.
/// Paths are absolute.
/// </summary>
internal sealed record AppSpec
{
    /// <summary>Dapr app-id, unique in the file.</summary>
    public required string AppId { get; init; }

    /// <summary>Position in <c>apps[]</c>, used in messages and to pick the app's colour.</summary>
    public required int Index { get; init; }

    /// <summary>Working directory of the app's command.</summary>
    public required string AppDirPath { get; init; }

    /// <summary>Port the app listens on; null for an app that takes no calls (no app health check then).</summary>
    public int? AppPort { get; init; }

    /// <summary>Sidecar HTTP port; null = a free port is picked at start.</summary>
    public int? DaprHttpPort { get; init; }

    /// <summary>Sidecar gRPC port; null = a free port is picked at start.</summary>
    public int? DaprGrpcPort { get; init; }

    /// <summary>Sidecar metrics port; null = a free port is picked at start.</summary>
    public int? MetricsPort { get; init; }

    /// <summary>The app's command line, first element the program.</summary>
    public required IReadOnlyList<string> Command { get; init; }

    /// <summary><c>common.env</c> overlaid with the app's <c>env</c>.</summary>
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    /// <summary>Component folders (absolute): the app's, else <c>{appDirPath}/.dapr/resources</c>, else common's.</summary>
    public IReadOnlyList<string> ResourcesPaths { get; init; } = [];

    /// <summary>How the sidecar calls the app; default <c>http</c>.</summary>
    public string AppProtocol { get; init; } = "http";

    /// <summary>Whether readiness is the health path answering 2xx (true) or just the app port accepting connections.</summary>
    public bool EnableAppHealthCheck { get; init; }

    /// <summary>Health path of the app; default <c>/healthz</c>.</summary>
    public string AppHealthCheckPath { get; init; } = "/healthz";

    /// <summary>Where the app's output goes; default both console and file.</summary>
    public LogDestination AppLogDestination { get; init; } = LogDestination.FileAndConsole;

    /// <summary>Where the sidecar's output goes; default both console and file.</summary>
    public LogDestination DaprdLogDestination { get; init; } = LogDestination.FileAndConsole;
}

/// <summary>A validated <c>dapr.yaml</c>.</summary>
/// <param name="Path">Absolute path of the file.</param>
/// <param name="Apps">The apps, in file order, with <c>common</c> merged.</param>
internal sealed record RunFileModel(string Path, IReadOnlyList<AppSpec> Apps)
{
    /// <summary>The folder holding the file: relative paths and <c>.platform/</c> are resolved against it.</summary>
    public string BaseDir => System.IO.Path.GetDirectoryName(Path)!;
}
