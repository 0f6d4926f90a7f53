using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;
using static Platform.Cli.Runner.YamlFields;

namespace Platform.Cli.Runner.RunFile;

/// <summary>The outcome of reading a <c>dapr.yaml</c>: the model when valid, otherwise every problem found.</summary>
/// <param name="Model">The validated file; null when <see cref="Problems"/> is not empty.</param>
/// <param name="Problems">Everything wrong, all at once.</param>
/// <param name="Warnings">Things that do not stop the run (unknown fields).</param>
internal sealed record RunFileResult(RunFileModel? Model, IReadOnlyList<Problem> Problems, IReadOnlyList<Problem> Warnings);

/// <summary>
/// Reads and validates Dapr's multi-app run file (<c>dapr.yaml</c>): <c>version</c>, <c>common</c> and
/// <c>apps[]</c>, merging <c>common</c> under each app the way the Dapr CLI does (app value, else common value,
/// else the default; <c>env</c> merged key by key; <c>resourcesPaths</c>: the app's, else
/// <c>{appDirPath}/.dapr/resources</c>, else common's).
/// </summary>
internal static partial class RunFileLoader
{
    private static readonly string[] TopLevelKeys = ["version", "name", "common", "apps"];

    private static readonly HashSet<string> SharedKeys =
    [
        "appProtocol", "resourcesPaths", "env", "appLogDestination", "daprdLogDestination", "enableAppHealthCheck",
        "appHealthCheckPath",
    ];

    private static readonly HashSet<string> AppKeys =
        ["appID", "appDirPath", "appPort", "daprHTTPPort", "daprGRPCPort", "metricsPort", "command"];

    // Keys of Dapr's run file that the bundled runner accepts and does not act on: no warning for them.
    private static readonly HashSet<string> IgnoredDaprKeys =
    [
        "configFilePath", "appMaxConcurrency", "appSSL", "maxBodySize", "readBufferSize", "daprHTTPMaxRequestSize",
        "daprHTTPReadBufferSize", "enableProfiling", "profilePort", "logLevel", "enableApiLogging", "enableAPILogging",
        "placementHostAddress", "schedulerHostAddress", "unixDomainSocket", "daprPath", "runtimePath",
        "appHealthProbeInterval", "appHealthProbeTimeout", "appHealthThreshold", "containerImage",
        "containerImagePullPolicy", "createService", "daprInternalGRPCPort", "appChannelAddress", "resourcesPath",
        "enableMetrics", "daprdInstallPath", "apiListenAddresses",
    ];

    private static readonly string[] Protocols = ["http", "https", "grpc", "grpcs", "h2c"];

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]*$")]
    private static partial Regex AppIdPattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvNamePattern();

    /// <summary>Reads the file at <paramref name="path"/>; a missing file is a problem, not an exception.</summary>
    /// <param name="path">Absolute path of the run file.</param>
    /// <param name="label">The file's name in messages (as the user wrote it).</param>
    public static RunFileResult LoadFile(string path, string label)
    {
        if (!File.Exists(path))
            return new RunFileResult(null, [new Problem(label, "", "file not found (pass -f FILE, or run from the folder that holds dapr.yaml)")], []);
        return Load(File.ReadAllText(path), label, path, Directory.Exists);
    }

    /// <summary>Validates run-file text.</summary>
    /// <param name="text">The YAML.</param>
    /// <param name="label">The file's name in messages.</param>
    /// <param name="path">Absolute path of the file; relative paths inside resolve against its folder.</param>
    /// <param name="directoryExists">Whether a folder exists (the file system, or a table in tests).</param>
    public static RunFileResult Load(string text, string label, string path, Func<string, bool> directoryExists)
    {
        var problems = new List<Problem>();
        var warnings = new List<Problem>();
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var docs = Parse(text, label, problems);
        if (problems.Count > 0) return new RunFileResult(null, problems, warnings);
        if (docs.Count == 0 || docs[0].RootNode is not YamlMappingNode root)
        {
            problems.Add(new Problem(label, "", "must be a YAML mapping with version and apps (Dapr's multi-app run format)"));
            return new RunFileResult(null, problems, warnings);
        }

        void Fail(string field, string reason) => problems.Add(new Problem(label, field, reason));

        foreach (var key in Keys(root).Where(k => !TopLevelKeys.Contains(k)))
            warnings.Add(new Problem(label, key, "unknown field (ignored)"));

        var version = Child(root, "version");
        if (version is null) Fail("version", "is required (use 1)");
        else if (Text(version) != "1") Fail("version", $"must be 1, got {Describe(version)}");

        var common = new Shared();
        switch (Child(root, "common"))
        {
            case null: break;
            case YamlMappingNode c: common = ReadShared(c, "common", baseDir, directoryExists, Fail, warnings, label, isApp: false); break;
            case var other: Fail("common", $"must be a mapping, got {Describe(other)}"); break;
        }

        var apps = new List<AppSpec>();
        switch (Child(root, "apps"))
        {
            case null: Fail("apps", "must list at least one app"); break;
            case YamlSequenceNode { Children.Count: 0 }: Fail("apps", "must list at least one app"); break;
            case YamlSequenceNode seq:
                var ids = new Dictionary<string, int>(StringComparer.Ordinal);
                var ports = new Dictionary<int, string>();
                for (var i = 0; i < seq.Children.Count; i++)
                {
                    var at = $"apps[{i}]";
                    if (seq.Children[i] is not YamlMappingNode appNode)
                    {
                        Fail(at, $"must be a mapping with appID, appDirPath and command, got {Describe(seq.Children[i])}");
                        continue;
                    }
                    var app = ReadApp(appNode, i, at, common, baseDir, directoryExists, Fail, warnings, label, ids, ports);
                    if (app is not null) apps.Add(app);
                }
                break;
            case var other: Fail("apps", $"must be a list of apps, got {Describe(other)}"); break;
        }

        return problems.Count > 0
            ? new RunFileResult(null, problems, warnings)
            : new RunFileResult(new RunFileModel(Path.GetFullPath(path), apps), [], warnings);
    }

    private sealed record Shared
    {
        public string? AppProtocol { get; init; }
        public IReadOnlyList<string>? ResourcesPaths { get; init; }
        public Dictionary<string, string> Env { get; init; } = new(StringComparer.Ordinal);
        public LogDestination? AppLogDestination { get; init; }
        public LogDestination? DaprdLogDestination { get; init; }
        public bool? EnableAppHealthCheck { get; init; }
        public string? AppHealthCheckPath { get; init; }
    }

    private static Shared ReadShared(YamlMappingNode node, string at, string baseDir, Func<string, bool> directoryExists,
        Action<string, string> fail, List<Problem> warnings, string label, bool isApp)
    {
        foreach (var key in Keys(node))
            if (!SharedKeys.Contains(key) && !IgnoredDaprKeys.Contains(key) && !(isApp && AppKeys.Contains(key)))
                warnings.Add(new Problem(label, $"{at}.{key}", isApp || !AppKeys.Contains(key)
                    ? "unknown field (ignored)"
                    : "belongs to each app, not to common (ignored)"));

        string? protocol = null;
        if (Child(node, "appProtocol") is { } p)
        {
            protocol = Text(p);
            if (protocol is null || !Protocols.Contains(protocol))
                fail($"{at}.appProtocol", $"must be one of {string.Join(", ", Protocols)}, got {Describe(p)}");
            else if (protocol != "http")
                fail($"{at}.appProtocol", $"\"{protocol}\" is not supported by the bundled sidecar, which calls apps over http (use --dapr to run the Dapr CLI)");
        }

        IReadOnlyList<string>? resources = null;
        if (Child(node, "resourcesPaths") is { } r)
        {
            if (r is not YamlSequenceNode rs) fail($"{at}.resourcesPaths", $"must be a list of folders, got {Describe(r)}");
            else
            {
                var list = new List<string>();
                for (var i = 0; i < rs.Children.Count; i++)
                {
                    var text = Text(rs.Children[i]);
                    if (string.IsNullOrWhiteSpace(text)) { fail($"{at}.resourcesPaths[{i}]", "must be a folder path"); continue; }
                    var full = Path.GetFullPath(Path.Combine(baseDir, text));
                    if (!directoryExists(full)) fail($"{at}.resourcesPaths[{i}]", $"folder \"{text}\" does not exist");
                    list.Add(full);
                }
                resources = list;
            }
        }

        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Child(node, "env") is { } e)
        {
            if (e is not YamlMappingNode em) fail($"{at}.env", $"must be a mapping of NAME: value, got {Describe(e)}");
            else
                foreach (var (k, v) in em.Children)
                {
                    var name = Text(k) ?? "";
                    if (!EnvNamePattern().IsMatch(name)) { fail($"{at}.env", $"\"{name}\" is not a valid variable name"); continue; }
                    if (v is not YamlScalarNode) { fail($"{at}.env.{name}", $"must be a string, number or boolean, got {Describe(v)}"); continue; }
                    env[name] = IsNull(v) ? "" : Text(v)!;
                }
        }

        bool? health = null;
        if (Child(node, "enableAppHealthCheck") is { } h)
        {
            if (bool.TryParse(Text(h), out var b)) health = b;
            else fail($"{at}.enableAppHealthCheck", $"must be true or false, got {Describe(h)}");
        }

        string? healthPath = null;
        if (Child(node, "appHealthCheckPath") is { } hp)
        {
            healthPath = Text(hp);
            if (healthPath is null || !healthPath.StartsWith('/'))
                fail($"{at}.appHealthCheckPath", $"must be a path starting with /, got {Describe(hp)}");
        }

        return new Shared
        {
            AppProtocol = protocol,
            ResourcesPaths = resources,
            Env = env,
            EnableAppHealthCheck = health,
            AppHealthCheckPath = healthPath,
            AppLogDestination = ReadDestination(node, "appLogDestination", at, fail),
            DaprdLogDestination = ReadDestination(node, "daprdLogDestination", at, fail),
        };
    }

    private static LogDestination? ReadDestination(YamlMappingNode node, string key, string at, Action<string, string> fail)
    {
        if (Child(node, key) is not { } d) return null;
        switch (Text(d))
        {
            case "file": return LogDestination.File;
            case "console": return LogDestination.Console;
            case "fileAndConsole": return LogDestination.FileAndConsole;
            default: fail($"{at}.{key}", $"must be file, console or fileAndConsole, got {Describe(d)}"); return null;
        }
    }

    private static AppSpec? ReadApp(YamlMappingNode node, int index, string at, Shared common, string baseDir,
        Func<string, bool> directoryExists, Action<string, string> fail, List<Problem> warnings, string label,
        Dictionary<string, int> ids, Dictionary<int, string> ports)
    {
        var failed = false;
        void Fail(string field, string reason) { failed = true; fail(field, reason); }

        var appId = Text(Child(node, "appID"));
        if (Child(node, "appID") is null) Fail($"{at}.appID", "is required");
        else if (appId is null || !AppIdPattern().IsMatch(appId))
            Fail($"{at}.appID", $"must start with a letter or digit and hold only letters, digits, '-' and '_', got {Describe(Child(node, "appID")!)}");

        string? dir = null;
        var dirNode = Child(node, "appDirPath");
        if (dirNode is null) Fail($"{at}.appDirPath", "is required (the folder the command runs in)");
        else if (Text(dirNode) is not { Length: > 0 } dirText) Fail($"{at}.appDirPath", $"must be a folder path, got {Describe(dirNode)}");
        else
        {
            dir = Path.GetFullPath(Path.Combine(baseDir, dirText));
            if (!directoryExists(dir)) Fail($"{at}.appDirPath", $"folder \"{dirText}\" does not exist");
        }

        int? Port(string key)
        {
            if (Child(node, key) is not { } n) return null;
            if (int.TryParse(Text(n), System.Globalization.NumberStyles.None, null, out var port) && port is >= 1 and <= 65535) return port;
            Fail($"{at}.{key}", $"must be a port number 1-65535, got {Describe(n)}");
            return null;
        }
        var appPort = Port("appPort");
        var httpPort = Port("daprHTTPPort");
        var grpcPort = Port("daprGRPCPort");
        var metricsPort = Port("metricsPort");

        // Uniqueness is checked even for apps with other errors, so one run reports every clash.
        if (appId is not null && Child(node, "appID") is not null)
        {
            if (ids.TryGetValue(appId, out var first)) Fail($"{at}.appID", $"\"{appId}\" is already the appID of apps[{first}]");
            else ids[appId] = index;
        }
        foreach (var (field, port) in new[] { ("appPort", appPort), ("daprHTTPPort", httpPort), ("daprGRPCPort", grpcPort), ("metricsPort", metricsPort) })
        {
            if (port is not int p) continue;
            if (ports.TryGetValue(p, out var owner)) Fail($"{at}.{field}", $"port {p} is already used by {owner}");
            else ports[p] = $"{at}.{field}";
        }

        var command = new List<string>();
        switch (Child(node, "command"))
        {
            case null: Fail($"{at}.command", "is required (a list such as [\"dotnet\", \"run\"])"); break;
            case YamlSequenceNode { Children.Count: 0 }: Fail($"{at}.command", "must not be empty"); break;
            case YamlSequenceNode cs:
                for (var i = 0; i < cs.Children.Count; i++)
                {
                    if (Text(cs.Children[i]) is { } part && (i > 0 || part.Trim().Length > 0)) command.Add(part);
                    else Fail($"{at}.command[{i}]", i == 0 ? "must name the program to run" : $"must be a string, got {Describe(cs.Children[i])}");
                }
                break;
            case var other: Fail($"{at}.command", $"must be a list of strings such as [\"dotnet\", \"run\"], got {Describe(other)}"); break;
        }

        var own = ReadShared(node, at, baseDir, directoryExists, Fail, warnings, label, isApp: true);
        if (failed) return null;

        var env = new Dictionary<string, string>(common.Env, StringComparer.Ordinal);
        foreach (var (k, v) in own.Env) env[k] = v;

        var daprResources = Path.Combine(dir!, ".dapr", "resources");
        var resources = own.ResourcesPaths
            ?? (directoryExists(daprResources) ? new[] { daprResources } : null)
            ?? common.ResourcesPaths
            ?? [];

        return new AppSpec
        {
            AppId = appId!,
            Index = index,
            AppDirPath = dir!,
            AppPort = appPort,
            DaprHttpPort = httpPort,
            DaprGrpcPort = grpcPort,
            MetricsPort = metricsPort,
            Command = command,
            Env = env,
            ResourcesPaths = resources,
            AppProtocol = own.AppProtocol ?? common.AppProtocol ?? "http",
            EnableAppHealthCheck = own.EnableAppHealthCheck ?? common.EnableAppHealthCheck ?? false,
            AppHealthCheckPath = own.AppHealthCheckPath ?? common.AppHealthCheckPath ?? "/healthz",
            AppLogDestination = own.AppLogDestination ?? common.AppLogDestination ?? LogDestination.FileAndConsole,
            DaprdLogDestination = own.DaprdLogDestination ?? common.DaprdLogDestination ?? LogDestination.FileAndConsole,
        };
    }
}
