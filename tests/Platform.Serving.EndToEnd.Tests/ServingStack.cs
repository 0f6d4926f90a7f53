using System.Diagnostics;
using System.Globalization;
using System.Text;
using Platform.Testing;

namespace Platform.Serving.EndToEnd.Tests;

/// <summary>
/// What `./platform up` runs for Serving, on free ports: a real redis-server, then serving-controller, activator and
/// autoscaler, each with the bundled Dapr-compatible sidecar, started by the real CLI (`platform up --detach` on a
/// generated dapr.yaml) and stopped by `platform down`, which also stops every replica (the controller stops them on
/// exit). The autoscaler runs with the shortest windows Knative allows (6 s stable window, 6 s grace) so that scale to
/// zero happens within the test. Binaries are the ones built with this test project (same configuration).
/// </summary>
public sealed class ServingStack : IAsyncLifetime
{
    private readonly RedisServer _redis = new();
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "platform-e2e-" + Guid.NewGuid().ToString("N")[..8]);

    public static string Root { get; } = FindRoot();
    public static string Configuration { get; } = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";

    public int ControllerPort { get; private set; }
    public int ActivatorPort { get; private set; }
    public int AutoscalerPort { get; private set; }
    public string Server => $"http://127.0.0.1:{ControllerPort}";
    public string HelloWorld => Bin("samples/helloworld", "helloworld.dll");
    public string? Unavailable => _redis.Unavailable;
    public string LogsDirectory => Path.Combine(_dir, ".platform", "logs");

    public void SkipIfUnavailable() => _redis.SkipIfUnavailable();

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        if (_redis.Unavailable is not null) return;
        Directory.CreateDirectory(Path.Combine(_dir, "components"));
        foreach (var file in new[] { "statestore.yaml", "pubsub.yaml" })
            File.WriteAllText(Path.Combine(_dir, "components", file),
                File.ReadAllText(Path.Combine(Root, "components", "local", file)).Replace("localhost:6379", _redis.HostPort, StringComparison.Ordinal));

        var ports = Enumerable.Range(0, 12).Select(_ => FreePort.Next()).Distinct().ToArray();
        (ControllerPort, ActivatorPort, AutoscalerPort) = (ports[0], ports[1], ports[2]);
        File.WriteAllText(Path.Combine(_dir, "dapr.yaml"), $"""
            version: 1
            common:
              resourcesPaths:
                - ./components
              appProtocol: http
              enableAppHealthCheck: true
              appHealthCheckPath: /healthz
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
              - appID: activator
                appDirPath: {Bin("services/activator", "")}
                appPort: {ActivatorPort}
                daprHTTPPort: {ports[6]}
                daprGRPCPort: {ports[7]}
                metricsPort: {ports[8]}
                command: ["dotnet", "Platform.Activator.dll"]
                env:
                  Activator__H2cPort: "{FreePort.Next()}"
              - appID: autoscaler
                appDirPath: {Bin("services/autoscaler", "")}
                appPort: {AutoscalerPort}
                daprHTTPPort: {ports[9]}
                daprGRPCPort: {ports[10]}
                metricsPort: {ports[11]}
                command: ["dotnet", "Platform.Autoscaler.dll"]
                env:
                  Keda__Port: "{FreePort.Next()}"
                  Autoscaler__Mode: InProcess
                  Autoscaler__Defaults__StableWindow: "00:00:06"
                  Autoscaler__Defaults__ScaleToZeroGracePeriod: "00:00:06"
                  Autoscaler__Defaults__TickInterval: "00:00:01"
            """);
        var up = await CliAsync(TimeSpan.FromSeconds(90), "up", "-f", Path.Combine(_dir, "dapr.yaml"), "--detach", "--timeout", "60");
        if (up.ExitCode != 0)
        {
            await DisposeAsync();
            throw new InvalidOperationException($"platform up failed ({up.ExitCode}):\n{up.Output}");
        }
    }

    public async Task DisposeAsync()
    {
        if (File.Exists(Path.Combine(_dir, "dapr.yaml")))
            await CliAsync(TimeSpan.FromSeconds(60), "down", "-f", Path.Combine(_dir, "dapr.yaml"));
        await _redis.DisposeAsync();
        try { Directory.Delete(_dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Runs the real CLI binary; returns its exit code and output (stdout then stderr).</summary>
    public async Task<CliResult> CliAsync(TimeSpan timeout, params string[] args)
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

    private static string Bin(string project, string file) =>
        Path.Combine(Root, project, "bin", Configuration, "net10.0", file);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln"))) return dir.FullName;
        throw new InvalidOperationException("Platform.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>What a CLI run printed.</summary>
public sealed record CliResult(int ExitCode, string Output);
