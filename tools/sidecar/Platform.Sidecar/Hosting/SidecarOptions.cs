using System.Globalization;

namespace Platform.Sidecar.Hosting;

/// <summary>
/// The sidecar's command line, with daprd's flag names:
/// <c>--app-id ID --app-port N --dapr-http-port N --dapr-grpc-port N [--resources-path DIR]... [--app-protocol http]
/// [--app-channel-address 127.0.0.1] [--registry-dir DIR] [--metrics-port N] [--log-level info] [--max-body-size 4Mi]</c>, plus the
/// environment variables <c>DAPR_API_TOKEN</c> and <c>APP_API_TOKEN</c>.
/// </summary>
internal sealed record SidecarOptions
{
    /// <summary>--app-id (required).</summary>
    public required string AppId { get; init; }

    /// <summary>--app-port; null (absent or 0) when there is no app: publish and state only.</summary>
    public int? AppPort { get; init; }

    /// <summary>--dapr-http-port (required).</summary>
    public required int HttpPort { get; init; }

    /// <summary>--dapr-grpc-port (required), served as h2c.</summary>
    public required int GrpcPort { get; init; }

    /// <summary>--resources-path (repeatable; <c>--components-path</c> is accepted as an alias).</summary>
    public IReadOnlyList<string> ResourcesPaths { get; init; } = [];

    /// <summary>--app-protocol: only <c>http</c> is supported.</summary>
    public string AppProtocol { get; init; } = "http";

    /// <summary>--app-channel-address (default 127.0.0.1).</summary>
    public string AppChannelAddress { get; init; } = "127.0.0.1";

    /// <summary>--registry-dir: the folder where local sidecars find each other (default <c>.platform/run/sidecars</c>).</summary>
    public required string RegistryDir { get; init; }

    /// <summary>--metrics-port: accepted for compatibility; no metrics are served.</summary>
    public int? MetricsPort { get; init; }

    /// <summary>--log-level: debug, info, warn or error (default info).</summary>
    public string LogLevel { get; init; } = "info";

    /// <summary>
    /// --max-body-size: the largest request body (HTTP) or message (gRPC) accepted, as daprd's flag: bytes, or a
    /// quantity such as <c>16Mi</c>. Default 4 MiB, daprd's. Larger bodies are refused with 413
    /// <c>ERR_BODY_TOO_LARGE</c> (gRPC <c>ResourceExhausted</c>) and nothing is published or saved.
    /// </summary>
    public long MaxBodySize { get; init; } = DefaultMaxBodySize;

    /// <summary>daprd's default body limit, 4 MiB.</summary>
    public const long DefaultMaxBodySize = 4 * 1024 * 1024;

    /// <summary>DAPR_API_TOKEN: required on every API call except health when set.</summary>
    public string? ApiToken { get; init; }

    /// <summary>APP_API_TOKEN: sent to the app as <c>dapr-api-token</c> when set.</summary>
    public string? AppApiToken { get; init; }

    /// <summary>Unique per process; replicas of one app-id differ here.</summary>
    public string InstanceId { get; init; } = Guid.NewGuid().ToString("N")[..12];

    /// <summary>The app's base URL, or null when there is no app.</summary>
    public Uri? AppBaseUrl => AppPort is { } port ? new Uri($"http://{AppChannelAddress}:{port}") : null;

    /// <summary>Parses <paramref name="args"/>; every problem is reported, each naming its flag.</summary>
    public static (SidecarOptions? Options, IReadOnlyList<string> Errors) Parse(IReadOnlyList<string> args, Func<string, string?> environment, string workingDirectory)
    {
        var errors = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var resources = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal)) { errors.Add($"unexpected argument '{arg}'"); continue; }
            string name, value;
            var eq = arg.IndexOf('=');
            if (eq > 0) { name = arg[2..eq]; value = arg[(eq + 1)..]; }
            else
            {
                name = arg[2..];
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal)) { errors.Add($"--{name}: a value is required"); continue; }
                value = args[++i];
            }
            switch (name)
            {
                case "resources-path" or "components-path": resources.Add(value); break;
                case "app-id" or "app-port" or "dapr-http-port" or "dapr-grpc-port" or "app-protocol" or "app-channel-address" or "registry-dir" or "metrics-port" or "log-level" or "max-body-size":
                    values[name] = value;
                    break;
                default: errors.Add($"--{name}: unknown flag"); break;
            }
        }

        var appId = values.GetValueOrDefault("app-id");
        if (string.IsNullOrWhiteSpace(appId)) errors.Add("--app-id: is required");
        else if (appId.Contains("||", StringComparison.Ordinal) || appId.Any(c => char.IsWhiteSpace(c) || c is '/' or '\\')) errors.Add($"--app-id: '{appId}' must not contain '||', '/', '\\' or spaces");
        var appPort = Port("app-port", required: false, allowZero: true);
        var httpPort = Port("dapr-http-port", required: true, allowZero: false);
        var grpcPort = Port("dapr-grpc-port", required: true, allowZero: false);
        var metricsPort = Port("metrics-port", required: false, allowZero: true);
        if (httpPort is not null && httpPort == grpcPort) errors.Add("--dapr-grpc-port: must differ from --dapr-http-port");
        var protocol = values.GetValueOrDefault("app-protocol", "http");
        if (protocol != "http") errors.Add($"--app-protocol: '{protocol}' is not supported by the local sidecar (only http)");
        var logLevel = values.GetValueOrDefault("log-level", "info");
        if (logLevel is not ("debug" or "info" or "warn" or "error" or "fatal")) errors.Add($"--log-level: '{logLevel}' is not debug, info, warn or error");
        var maxBodySize = DefaultMaxBodySize;
        if (values.TryGetValue("max-body-size", out var sizeText))
        {
            if (ParseQuantity(sizeText) is { } size and > 0) maxBodySize = size;
            else errors.Add($"--max-body-size: '{sizeText}' is not a size such as 4Mi, 512Ki or 1048576");
        }
        if (errors.Count > 0) return (null, errors);

        return (new SidecarOptions
        {
            AppId = appId!,
            AppPort = appPort is 0 ? null : appPort,
            HttpPort = httpPort!.Value,
            GrpcPort = grpcPort!.Value,
            ResourcesPaths = resources.Select(p => Path.GetFullPath(p, workingDirectory)).ToList(),
            AppProtocol = protocol,
            AppChannelAddress = values.GetValueOrDefault("app-channel-address", "127.0.0.1"),
            RegistryDir = Path.GetFullPath(values.GetValueOrDefault("registry-dir") ?? Path.Combine(".platform", "run", "sidecars"), workingDirectory),
            MetricsPort = metricsPort,
            LogLevel = logLevel,
            MaxBodySize = maxBodySize,
            ApiToken = NullIfEmpty(environment("DAPR_API_TOKEN")),
            AppApiToken = NullIfEmpty(environment("APP_API_TOKEN")),
        }, []);

        int? Port(string name, bool required, bool allowZero)
        {
            if (!values.TryGetValue(name, out var text)) { if (required) errors.Add($"--{name}: is required"); return null; }
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535 && (allowZero || port > 0)) return port;
            errors.Add($"--{name}: '{text}' is not a port number");
            return null;
        }
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    /// <summary>Bytes of a Kubernetes-style quantity: <c>4Mi</c>, <c>512Ki</c>, <c>1Gi</c>, <c>4M</c>, <c>4096</c>; null when invalid.</summary>
    internal static long? ParseQuantity(string text)
    {
        (string Suffix, long Factor)[] units = [("Ki", 1L << 10), ("Mi", 1L << 20), ("Gi", 1L << 30), ("k", 1000), ("K", 1000), ("M", 1_000_000), ("G", 1_000_000_000)];
        var (digits, factor) = (text, 1L);
        foreach (var (suffix, f) in units)
            if (text.EndsWith(suffix, StringComparison.Ordinal)) { (digits, factor) = (text[..^suffix.Length], f); break; }
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return null;
        try
        {
            return checked(n * factor);
        }
        catch (OverflowException)
        {
            return null;
        }
    }
}
