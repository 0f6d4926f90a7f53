namespace Platform.Cli.Runner.Launch;

/// <summary>Changes to the inherited environment for one child process.</summary>
/// <param name="Set">Variables to set (overriding inherited ones).</param>
/// <param name="Remove">Inherited variables to drop.</param>
internal sealed record EnvironmentChange(IReadOnlyDictionary<string, string> Set, IReadOnlyList<string> Remove);

/// <summary>
/// The environment the Dapr CLI gives an app: <c>APP_ID</c>, <c>APP_PORT</c>, <c>APP_CHANNEL_ADDRESS</c>,
/// <c>APP_PROTOCOL</c>, <c>DAPR_HTTP_PORT</c>, <c>DAPR_GRPC_PORT</c>, <c>DAPR_METRICS_PORT</c>, on top of
/// <c>common.env</c> and the app's <c>env</c>; and ours, <c>PLATFORM_DIR</c>: the run's <c>.platform</c> folder, where
/// the serving-controller keeps replica logs and its record of running replicas (so a restarted one reaps them).
/// </summary>
internal static class AppEnvironment
{
    /// <summary>
    /// Inherited URL settings that would make every ASP.NET app listen on the same address; dropped unless the
    /// app's env sets them itself.
    /// </summary>
    public static readonly IReadOnlyList<string> InheritedUrlVariables =
        ["ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_URLS"];

    /// <summary>
    /// The app's environment. The runner's variables win over dapr.yaml's: they describe the real ports. Values that
    /// are a secret's placeholder (<c>{{platform:api-token}}</c>) get the secret from <paramref name="secrets"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">A value names an unknown placeholder (the message names the app and key).</exception>
    public static EnvironmentChange ForApp(AppLaunch launch, string? platformDir = null, IReadOnlyDictionary<string, string>? secrets = null)
    {
        var set = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in launch.App.Env)
            set[key] = Secrets.RunSecrets.Substitute(value, secrets ?? new Dictionary<string, string>(), out var error)
                ?? throw new InvalidOperationException($"dapr.yaml: app {launch.App.AppId}: env.{key}: {error}");
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["APP_ID"] = launch.App.AppId,
            ["APP_CHANNEL_ADDRESS"] = "127.0.0.1",
            ["APP_PROTOCOL"] = launch.App.AppProtocol,
            ["DAPR_HTTP_PORT"] = Invariant(launch.Ports.DaprHttp),
            ["DAPR_GRPC_PORT"] = Invariant(launch.Ports.DaprGrpc),
            ["DAPR_METRICS_PORT"] = Invariant(launch.Ports.Metrics),
        })
            set[key] = value;
        if (launch.Ports.App is int port) set["APP_PORT"] = Invariant(port);
        if (platformDir is not null) set["PLATFORM_DIR"] = platformDir;
        return new EnvironmentChange(set, InheritedUrlVariables.Where(v => !launch.App.Env.ContainsKey(v)).ToList());
    }

    /// <summary>
    /// The sidecar's environment: the inherited one minus URL settings, with its app's <c>DAPR_API_TOKEN</c> (which it
    /// then requires) and <c>APP_API_TOKEN</c> (which it sends the app) when the app's env has them.
    /// </summary>
    public static EnvironmentChange ForSidecar(EnvironmentChange? app = null)
    {
        var set = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in new[] { "DAPR_API_TOKEN", "APP_API_TOKEN" })
            if (app?.Set.TryGetValue(key, out var value) == true) set[key] = value;
        return new(set, InheritedUrlVariables);
    }

    private static string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The command line of the bundled sidecar for one app.</summary>
internal static class SidecarArguments
{
    /// <summary>
    /// <c>--app-id ID --app-port N --dapr-http-port N --dapr-grpc-port N --resources-path DIR...
    /// --app-protocol P --app-channel-address 127.0.0.1 --registry-dir DIR --metrics-port N</c>
    /// (<c>--app-port</c> left out for an app without a port).
    /// </summary>
    public static IReadOnlyList<string> For(AppLaunch launch, string registryDir)
    {
        var args = new List<string> { "--app-id", launch.App.AppId };
        if (launch.Ports.App is int app) args.AddRange(["--app-port", S(app)]);
        args.AddRange(["--dapr-http-port", S(launch.Ports.DaprHttp), "--dapr-grpc-port", S(launch.Ports.DaprGrpc)]);
        foreach (var dir in launch.ResourcesPaths) args.AddRange(["--resources-path", dir]);
        args.AddRange([
            "--app-protocol", launch.App.AppProtocol, "--app-channel-address", "127.0.0.1",
            "--registry-dir", registryDir, "--metrics-port", S(launch.Ports.Metrics),
        ]);
        return args;
    }

    private static string S(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
