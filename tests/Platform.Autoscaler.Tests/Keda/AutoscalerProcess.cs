using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using Externalscaler;
using Grpc.Net.Client;
using Platform.Testing;

namespace Platform.Autoscaler.Tests.Keda;

/// <summary>
/// The real autoscaler, started from its build output as its own process on free loopback ports: the app port
/// (HTTP/1.1 intake) and the KEDA h2c port. DAPR_HTTP_PORT points at a closed port, so the app must start without a
/// sidecar and fall back to in-process revision autoscalers.
/// </summary>
public sealed class AutoscalerProcess : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    public int AppPort { get; } = FreePort.Next();
    public int KedaPort { get; } = FreePort.Next();
    public HttpClient Http { get; private set; } = null!;
    public GrpcChannel Channel { get; private set; } = null!;
    public ExternalScaler.ExternalScalerClient Scaler { get; private set; } = null!;

    /// <summary>The last lines the process printed, for failure messages.</summary>
    public string Logs => string.Join(Environment.NewLine, _output.TakeLast(40));

    public async Task InitializeAsync()
    {
        var dll = FindAutoscalerDll();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            ArgumentList =
            {
                dll, "--urls", $"http://127.0.0.1:{AppPort}", $"--Keda:Port={KedaPort}",
                "--Autoscaler:Defaults:AllowZeroInitialScale=true",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.Environment["DAPR_HTTP_PORT"] = FreePort.Next().ToString();
        start.Environment["DAPR_GRPC_PORT"] = FreePort.Next().ToString();
        start.Environment["APP_ID"] = "autoscaler";
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{AppPort}"), Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"autoscaler exited with {_process.ExitCode}:\n{Logs}");
            try
            {
                using var response = await Http.GetAsync("/healthz");
                if (response.IsSuccessStatusCode) break;
            }
            catch (HttpRequestException) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"autoscaler not ready on {AppPort}:\n{Logs}");
            await Task.Delay(100);
        }
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{KedaPort}");
        Scaler = new ExternalScaler.ExternalScalerClient(Channel);
    }

    /// <summary>Configures a revision through the intake, as the serving controller does.</summary>
    public async Task PutRevisionAsync(string ns, string name, object spec)
    {
        using var response = await Http.PutAsJsonAsync($"/revisions/{ns}/{name}", spec);
        Assert.True(response.IsSuccessStatusCode, $"PUT revision {ns}/{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public Task DisposeAsync()
    {
        Channel?.Dispose();
        Http?.Dispose();
        try { if (_process is { HasExited: false }) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process?.WaitForExit(5000);
        _process?.Dispose();
        return Task.CompletedTask;
    }

    internal static string FindAutoscalerDll() => Platform.Testing.Builds.Output("services/autoscaler", "Platform.Autoscaler.dll");
}

[CollectionDefinition(Name)]
public sealed class AutoscalerProcessCollection : ICollectionFixture<AutoscalerProcess>
{
    public const string Name = "autoscaler process";
}
