using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Dapr.Client;
using Platform.Testing;

namespace Platform.Sidecar.Tests.Infrastructure;

/// <summary>A real <c>platform-sidecar</c> process (the built dll run with <c>dotnet</c>), killed on dispose.</summary>
public sealed class SidecarProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private SidecarProcess(Process process, string appId, int httpPort, int grpcPort, string? apiToken)
    {
        _process = process;
        AppId = appId;
        HttpPort = httpPort;
        GrpcPort = grpcPort;
        ApiToken = apiToken;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The app-id it serves.</summary>
    public string AppId { get; }

    /// <summary>Its HTTP API port.</summary>
    public int HttpPort { get; }

    /// <summary>Its gRPC API port.</summary>
    public int GrpcPort { get; }

    /// <summary>DAPR_API_TOKEN it was given, or null.</summary>
    public string? ApiToken { get; }

    /// <summary>Its HTTP API base URL.</summary>
    public Uri HttpUrl => new($"http://127.0.0.1:{HttpPort}");

    /// <summary>Everything it printed so far.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Path of the built sidecar dll (same configuration as this test assembly).</summary>
    public static string DllPath
    {
        get
        {
            var testBin = AppContext.BaseDirectory; // .../tests/Platform.Sidecar.Tests/bin/{Configuration}/net10.0/
            var configuration = new DirectoryInfo(testBin.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Parent!.Name;
            var root = new DirectoryInfo(testBin);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Platform.sln"))) root = root.Parent;
            var path = Path.Combine(root!.FullName, "tools", "sidecar", "Platform.Sidecar", "bin", configuration, "net10.0", "platform-sidecar.dll");
            return File.Exists(path) ? path : Path.Combine(testBin, "platform-sidecar.dll");
        }
    }

    /// <summary>Runs the sidecar with raw arguments and waits for it to exit (for start-up failure tests).</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IEnumerable<string> args, TimeSpan timeout)
    {
        var psi = NewStartInfo(args, null, null);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { process.Kill(true); throw new TimeoutException("the sidecar did not exit: " + await stdout); }
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Starts a sidecar and waits until <c>/v1.0/healthz</c> answers 204.</summary>
    public static async Task<SidecarProcess> StartAsync(string appId, SidecarEnvironment environment, int? appPort = null,
        string? apiToken = null, string? appApiToken = null, string? resourcesPath = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            var http = FreePort.Next();
            var grpc = FreePort.Next();
            var args = new List<string>
            {
                "--app-id", appId, "--dapr-http-port", http.ToString(), "--dapr-grpc-port", grpc.ToString(),
                "--resources-path", resourcesPath ?? environment.ResourcesPath, "--registry-dir", environment.RegistryPath, "--log-level", "info",
            };
            if (appPort is { } p) args.AddRange(["--app-port", p.ToString()]);
            var process = Process.Start(NewStartInfo(args, apiToken, appApiToken))!;
            var sidecar = new SidecarProcess(process, appId, http, grpc, apiToken);
            if (await sidecar.WaitHealthyAsync(TimeSpan.FromSeconds(90))) return sidecar;
            var output = sidecar.Output;
            var exitCode = process.HasExited ? process.ExitCode : -1;
            await sidecar.DisposeAsync();
            if (exitCode == 3 && attempt < 3) continue; // a port picked a moment ago was taken meanwhile
            throw new InvalidOperationException($"sidecar {appId} did not become healthy (exit {exitCode}, last health answer: {sidecar.LastHealth}):\n{output}");
        }
    }

    private static ProcessStartInfo NewStartInfo(IEnumerable<string> args, string? apiToken, string? appApiToken)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(DllPath);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("DAPR_API_TOKEN");
        psi.Environment.Remove("APP_API_TOKEN");
        if (apiToken is not null) psi.Environment["DAPR_API_TOKEN"] = apiToken;
        if (appApiToken is not null) psi.Environment["APP_API_TOKEN"] = appApiToken;
        return psi;
    }

    private string LastHealth { get; set; } = "";

    private async Task<bool> WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + timeout;
        LastHealth = "no answer";
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(HttpUrl, "/v1.0/healthz"));
                if (response.StatusCode == HttpStatusCode.NoContent) return true;
                LastHealth = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (HttpRequestException e) { LastHealth = e.Message; }
            catch (TaskCanceledException e) { LastHealth = e.Message; }
            await Task.Delay(100);
        }
        return false;
    }

    /// <summary>A DaprClient (gRPC + HTTP) bound to this sidecar, with its API token.</summary>
    public DaprClient CreateClient(string? token = null)
    {
        var builder = new DaprClientBuilder()
            .UseGrpcEndpoint($"http://127.0.0.1:{GrpcPort}")
            .UseHttpEndpoint($"http://127.0.0.1:{HttpPort}");
        if ((token ?? ApiToken) is { } t) builder.UseDaprApiToken(t);
        return builder.Build();
    }

    /// <summary>A plain HTTP client on the sidecar's HTTP API (with the token when set).</summary>
    public HttpClient CreateHttpClient(bool withToken = true)
    {
        var client = new HttpClient { BaseAddress = HttpUrl, Timeout = TimeSpan.FromSeconds(30) };
        if (withToken && ApiToken is not null) client.DefaultRequestHeaders.Add("dapr-api-token", ApiToken);
        return client;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException) { }
        catch (TimeoutException) { }
        _process.Dispose();
    }
}
