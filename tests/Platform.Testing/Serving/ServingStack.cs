using System.Diagnostics;
using Xunit;

namespace Platform.Testing.Serving;

/// <summary>The autoscaler settings a <see cref="ServingStack"/> starts with (Knative's shortest by default).</summary>
public sealed record ServingStackOptions
{
    /// <summary><c>Autoscaler:Defaults:StableWindow</c>; Knative's minimum, 6 s, by default.</summary>
    public TimeSpan StableWindow { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary><c>Autoscaler:Defaults:ScaleToZeroGracePeriod</c>; Knative's minimum, 6 s, by default.</summary>
    public TimeSpan ScaleToZeroGracePeriod { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary><c>Autoscaler:Defaults:TickInterval</c>, the decision interval; 1 s by default.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// <c>DAPR_API_TOKEN</c> and <c>APP_API_TOKEN</c> for every app and sidecar (as a user sets them before
    /// <c>platform up</c>); null for none.
    /// </summary>
    public string? ApiToken { get; init; }

    /// <summary>Redis with an append-only file, as <c>platform up</c> runs it (for fault tests that restart Redis).</summary>
    public bool RedisAppendOnly { get; init; }

    /// <summary>Variables for every app (dapr.yaml's <c>common.env</c>), e.g. an OTLP receiver's <c>OTEL_*</c>.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Variables for <c>platform up</c> itself, and so for its runner and every sidecar, which inherit its environment
    /// (the apps get <see cref="Environment"/>; replicas neither).
    /// </summary>
    public IReadOnlyDictionary<string, string> RunnerEnvironment { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// What `./platform up` runs for Serving, on free ports: a real redis-server, then serving-controller, activator and
/// autoscaler, each with the bundled Dapr-compatible sidecar, started by the real CLI (`platform up --detach` on a
/// generated dapr.yaml) and stopped by `platform down`, which also stops every replica (the controller stops them on
/// exit). The autoscaler runs with <see cref="Options"/>: by default the shortest windows Knative allows (6 s stable
/// window, 6 s grace, 1 s decisions) so that scale to zero happens within a test. Binaries are the ones built next to
/// the caller (same configuration): a test project or benchmark that uses this builds them through project references
/// (<c>ReferenceOutputAssembly="false"</c>). As an xunit class fixture it is created with the default options; derive
/// a fixture that sets <see cref="Options"/> in its constructor for other windows.
/// </summary>
public class ServingStack : IAsyncLifetime
{
    private RedisServer? _redisServer;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "platform-e2e-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>The repository root (the folder holding Platform.sln).</summary>
    public static string Root => Builds.Root;

    /// <summary>Autoscaler settings; set before <see cref="InitializeAsync"/>.</summary>
    public ServingStackOptions Options { get; init; } = new();

    /// <summary>The serving-controller's port (local API server).</summary>
    public int ControllerPort { get; private set; }

    /// <summary>The activator's main port: requests with <c>Host: {service}.{namespace}.localhost</c>.</summary>
    public int ActivatorPort { get; private set; }

    /// <summary>The serving-controller's sidecar HTTP port (Dapr API).</summary>
    public int ControllerDaprHttpPort { get; private set; }

    /// <summary>The activator's loopback control port (its Dapr app port: route table, endpoints, stats).</summary>
    public int ActivatorControlPort { get; private set; }

    /// <summary>The serving-controller's Prometheus port (<c>Telemetry:MetricsPort</c>).</summary>
    public int ControllerMetricsPort { get; private set; }

    /// <summary>The activator's Prometheus port.</summary>
    public int ActivatorMetricsPort { get; private set; }

    /// <summary>The autoscaler's Prometheus port.</summary>
    public int AutoscalerMetricsPort { get; private set; }

    /// <summary>The autoscaler's HTTP port (<c>GET /revisions/{ns}/{name}/scale</c>).</summary>
    public int AutoscalerPort { get; private set; }

    /// <summary>The control-plane API's read-write token, which <c>platform up</c> generated (read once it ran).</summary>
    public string ApiToken => File.ReadAllText(Path.Combine(PlatformDirectory, "api-token")).Trim();

    /// <summary>The control-plane API's read-only token.</summary>
    public string ReadOnlyApiToken => File.ReadAllText(Path.Combine(PlatformDirectory, "api-token.readonly")).Trim();

    /// <summary>The token the sidecars send their apps (<c>APP_API_TOKEN</c>), which the activator's control port requires.</summary>
    public string AppApiToken => Options.ApiToken ?? File.ReadAllText(Path.Combine(PlatformDirectory, "app-api-token")).Trim();

    /// <summary>A client that sends the read-write token (for the API and the controller's <c>/workloads</c>).</summary>
    public HttpClient ApiClient(TimeSpan? timeout = null)
    {
        var http = new HttpClient { Timeout = timeout ?? TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiToken);
        return http;
    }

    /// <summary>Base URL of the serving-controller.</summary>
    public string Server => $"http://127.0.0.1:{ControllerPort}";

    /// <summary>Base URL of the autoscaler.</summary>
    public string Autoscaler => $"http://127.0.0.1:{AutoscalerPort}";

    /// <summary>The built helloworld sample.</summary>
    public string HelloWorld => Bin("samples/helloworld", "helloworld.dll");

    /// <summary>The built autoscale sample (fixed latency, <c>SLEEP_MS</c>).</summary>
    public string AutoscaleSample => Bin("samples/autoscale", "autoscale.dll");

    /// <summary>Why the stack cannot run here (no redis-server), or null.</summary>
    public string? Unavailable => Redis.Unavailable;

    /// <summary>The Redis the stack's components use (created with <see cref="Options"/>).</summary>
    public RedisServer Redis => _redisServer ??= new RedisServer { AppendOnly = Options.RedisAppendOnly };

    /// <summary>The generated dapr.yaml <c>platform up</c> runs (for <c>status -f</c>, <c>down -f</c>).</summary>
    public string RunFile => Path.Combine(_dir, "dapr.yaml");

    /// <summary>The run's <c>.platform</c> folder (run state, logs, replica records).</summary>
    public string PlatformDirectory => Path.Combine(_dir, ".platform");

    /// <summary>Where the runner writes each app's log.</summary>
    public string LogsDirectory => Path.Combine(_dir, ".platform", "logs");

    /// <summary>Skips the calling test when the stack cannot run here (outside CI).</summary>
    public void SkipIfUnavailable() => Redis.SkipIfUnavailable();

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await Redis.InitializeAsync();
        if (Redis.Unavailable is not null) return;
        Directory.CreateDirectory(Path.Combine(_dir, "components"));
        foreach (var file in new[] { "statestore.yaml", "pubsub.yaml" })
            File.WriteAllText(Path.Combine(_dir, "components", file),
                File.ReadAllText(Path.Combine(Root, "components", "local", file)).Replace("localhost:6379", Redis.HostPort, StringComparison.Ordinal));

        var ports = FreePort.Many(12);
        (ControllerPort, ActivatorPort, AutoscalerPort) = (ports[0], ports[1], ports[2]);
        ActivatorControlPort = FreePort.Next();
        ControllerDaprHttpPort = ports[3];
        (ControllerMetricsPort, ActivatorMetricsPort, AutoscalerMetricsPort) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
        // As the repository's dapr.yaml: Dapr API tokens generated by `platform up` (unless the test sets its own through
        // the CLI's environment), and the control-plane API behind its bearer tokens.
        var environment = new Dictionary<string, string>(Options.Environment);
        if (Options.ApiToken is null)
        {
            environment.TryAdd("DAPR_API_TOKEN", "{{platform:dapr-api-token}}");
            environment.TryAdd("APP_API_TOKEN", "{{platform:app-api-token}}");
        }
        const string apiTokenPlaceholder = "{{platform:api-token}}", readTokenPlaceholder = "{{platform:api-read-token}}";
        var commonEnv = string.Concat(environment.Select(e => $"\n    {e.Key}: \"{e.Value}\""));
        File.WriteAllText(Path.Combine(_dir, "dapr.yaml"), $"""
            version: 1
            common:
              resourcesPaths:
                - ./components
              appProtocol: http
              enableAppHealthCheck: true
              appHealthCheckPath: /healthz
              env:
                DOTNET_ENVIRONMENT: Production{commonEnv}
            apps:
              - appID: serving-controller
                appDirPath: {Bin("services/serving-controller", "")}
                appPort: {ControllerPort}
                daprHTTPPort: {ports[3]}
                daprGRPCPort: {ports[4]}
                metricsPort: {ports[5]}
                command: ["dotnet", "Platform.ServingController.dll"]
                env:
                  Serving__Routes__Port: "{ActivatorPort}"
                  Serving__Hpa__SyncPeriod: "00:00:01"
                  Serving__Hpa__ScaleDownStabilization: "00:00:05"
                  ControlPlane__Auth__Token: "{apiTokenPlaceholder}"
                  ControlPlane__Auth__ReadToken: "{readTokenPlaceholder}"
                  Telemetry__MetricsPort: "{ControllerMetricsPort}"
              - appID: activator
                appDirPath: {Bin("services/activator", "")}
                appPort: {ActivatorControlPort}
                daprHTTPPort: {ports[6]}
                daprGRPCPort: {ports[7]}
                metricsPort: {ports[8]}
                command: ["dotnet", "Platform.Activator.dll"]
                env:
                  Activator__Port: "{ActivatorPort}"
                  Activator__H2cPort: "{FreePort.Next()}"
                  Telemetry__MetricsPort: "{ActivatorMetricsPort}"
              - appID: autoscaler
                appDirPath: {Bin("services/autoscaler", "")}
                appPort: {AutoscalerPort}
                daprHTTPPort: {ports[9]}
                daprGRPCPort: {ports[10]}
                metricsPort: {ports[11]}
                command: ["dotnet", "Platform.Autoscaler.dll"]
                env:
                  ResourceStore__Url: "http://127.0.0.1:{ControllerPort}/"
                  ResourceStore__Token: "{apiTokenPlaceholder}"
                  Keda__Port: "{FreePort.Next()}"
                  Telemetry__MetricsPort: "{AutoscalerMetricsPort}"
                  Autoscaler__Mode: Actors
                  Autoscaler__Defaults__StableWindow: "{Options.StableWindow:c}"
                  Autoscaler__Defaults__ScaleToZeroGracePeriod: "{Options.ScaleToZeroGracePeriod:c}"
                  Autoscaler__Defaults__TickInterval: "{Options.TickInterval:c}"
            """);
        var up = await RunCliAsync(TimeSpan.FromSeconds(90), Options.RunnerEnvironment, "up", "-f", Path.Combine(_dir, "dapr.yaml"), "--detach", "--timeout", "60");
        if (up.ExitCode != 0)
        {
            await DisposeAsync();
            throw new InvalidOperationException($"platform up failed ({up.ExitCode}):\n{up.Output}");
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (File.Exists(Path.Combine(_dir, "dapr.yaml")))
            await CliAsync(TimeSpan.FromSeconds(60), "down", "-f", Path.Combine(_dir, "dapr.yaml"));
        await Redis.DisposeAsync();
        try { Directory.Delete(_dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Runs the real CLI binary; returns its exit code and output (stdout then stderr).</summary>
    public Task<CliResult> CliAsync(TimeSpan timeout, params string[] args) => RunCliAsync(timeout, null, args);

    private async Task<CliResult> RunCliAsync(TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _dir,
        };
        info.ArgumentList.Add(Bin("tools/cli", "platform.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["PLATFORM_SIDECAR"] = Bin("tools/sidecar/Platform.Sidecar", "platform-sidecar.dll");
        info.Environment["PLATFORM_SERVER"] = Server;
        info.Environment["NO_COLOR"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        if (Options.ApiToken is { } token)
        {
            info.Environment["DAPR_API_TOKEN"] = token;
            info.Environment["APP_API_TOKEN"] = token;
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return new CliResult(-1, $"timed out after {timeout}: platform {string.Join(' ', args)}\n{await stdout}{await stderr}");
        }
        return new CliResult(process.ExitCode, await stdout + await stderr);
    }

    /// <summary>The service log of an app (for failure messages).</summary>
    public string AppLog(string app)
    {
        var path = Path.Combine(LogsDirectory, app + ".log");
        return File.Exists(path) ? string.Join('\n', File.ReadLines(path).TakeLast(40)) : "(no log)";
    }

    /// <summary>A file of a project's build output (the caller's configuration), e.g. <c>Bin("samples/helloworld", "helloworld.dll")</c>.</summary>
    public static string Bin(string project, string file) => Builds.Output(project, file);
}

/// <summary>What a CLI run printed.</summary>
/// <param name="ExitCode">The CLI's exit code (-1 on timeout).</param>
/// <param name="Output">stdout then stderr.</param>
public sealed record CliResult(int ExitCode, string Output);
