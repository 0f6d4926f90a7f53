using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Autoscaler.Tests.Keda;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.Testing;
using Platform.Testing.Processes;

namespace Platform.Autoscaler.Tests.Actors;

/// <summary>
/// The autoscaler in <c>Autoscaler:Mode=Actors</c> as it runs under <c>./platform up</c>: the real autoscaler process,
/// the real <c>platform-sidecar</c> process as its daprd (actor state in a real Redis), and the real control plane
/// (serving-controller, API only), whose PodAutoscalers it follows and writes its decisions into; a watch records
/// every change of their desired scale. The autoscaler reaches its sidecar the way the SDK does by default, through
/// <c>DAPR_HTTP_PORT</c> only; it can be restarted on the same ports.
/// </summary>
public sealed class ActorModeStack : IAsyncDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "platform-autoscaler-actors-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly ConcurrentQueue<string> _output = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _decisionLoop = Task.CompletedTask;
    private Process? _sidecar;
    private Process? _autoscaler;

    private ActorModeStack(string redisHostPort)
    {
        Directory.CreateDirectory(Path.Combine(_root, "resources"));
        Directory.CreateDirectory(Path.Combine(_root, "registry"));
        File.WriteAllText(Path.Combine(_root, "resources", "statestore.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: statestore
            spec:
              type: state.redis
              version: v1
              metadata:
                - name: redisHost
                  value: "{redisHostPort}"
                - name: actorStateStore
                  value: "true"
            """);
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{AppPort}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The autoscaler's app port (its HTTP intake).</summary>
    public int AppPort { get; } = FreePort.Next();

    /// <summary>The sidecar's HTTP port, the autoscaler's <c>DAPR_HTTP_PORT</c>.</summary>
    public int SidecarHttpPort { get; } = FreePort.Next();

    private int SidecarGrpcPort { get; } = FreePort.Next();
    private int KedaPort { get; } = FreePort.Next();

    /// <summary>The control plane the autoscaler follows.</summary>
    public ControlPlaneProcess ControlPlane { get; } = new();

    /// <summary>A client on the autoscaler's intake.</summary>
    public HttpClient Http { get; }

    /// <summary>Every desired scale the autoscaler wrote into a PodAutoscaler, in order: revision (<c>ns/name</c>) and replicas.</summary>
    public ConcurrentQueue<(string Revision, int Replicas)> Applied { get; } = new();

    /// <summary>The last lines both processes printed, for failure messages.</summary>
    public string Logs => string.Join(Environment.NewLine, _output.TakeLast(60));

    /// <summary>Starts the sidecar and the autoscaler and waits until both are healthy.</summary>
    public static async Task<ActorModeStack> StartAsync(string redisHostPort)
    {
        var stack = new ActorModeStack(redisHostPort);
        try
        {
            await stack.ControlPlane.InitializeAsync();
            stack._decisionLoop = Task.Run(() => stack.RecordDecisionsAsync(stack._stopping.Token));
            stack._sidecar = stack.Launch("sidecar", SidecarDll(),
                ["--app-id", "autoscaler", "--app-port", stack.AppPort.ToString(), "--dapr-http-port", stack.SidecarHttpPort.ToString(),
                 "--dapr-grpc-port", stack.SidecarGrpcPort.ToString(), "--resources-path", Path.Combine(stack._root, "resources"),
                 "--registry-dir", Path.Combine(stack._root, "registry"), "--log-level", "info"], env: []);
            await stack.StartAutoscalerAsync();
            // The sidecar is healthy once it reached the app, and then knows it hosts RevisionAutoscaler.
            await stack.WaitAsync(new Uri($"http://127.0.0.1:{stack.SidecarHttpPort}/v1.0/healthz"), stack._sidecar, "the sidecar");
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the autoscaler process (as a crash would) and starts a new one on the same ports.</summary>
    public async Task RestartAutoscalerAsync()
    {
        Kill(_autoscaler);
        _output.Enqueue("---- autoscaler restarted ----");
        await StartAutoscalerAsync();
    }

    /// <summary>Creates a revision's PodAutoscaler, as the revision reconciler does.</summary>
    public Task CreatePodAutoscalerAsync(string ns, string name, int containerConcurrency, IReadOnlyDictionary<string, string> annotations)
    {
        var annotationNode = new JsonObject();
        foreach (var (k, v) in annotations) annotationNode["autoscaling.knative.dev/" + k] = v;
        return ControlPlane.Store.CreateAsync(ResourceKinds.PodAutoscaler, new JsonObject
        {
            ["apiVersion"] = "autoscaling.internal.knative.dev/v1alpha1",
            ["kind"] = "PodAutoscaler",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["annotations"] = annotationNode },
            ["spec"] = new JsonObject { ["containerConcurrency"] = containerConcurrency, ["reachability"] = "Reachable" },
        });
    }

    /// <summary>Records ready replicas in the PodAutoscaler, as the workload supervisor does.</summary>
    public Task ReportReadyAsync(string ns, string name, int ready) =>
        ControlPlane.Store.PatchAsync(ResourceKinds.PodAutoscaler, ns, name, new JsonObject { ["status"] = new JsonObject { ["actualScale"] = ready } }, status: true);

    /// <summary>Overwrites the PodAutoscaler's desired scale, as a stale or lost write would leave it.</summary>
    public Task OverwriteDesiredScaleAsync(string ns, string name, int desired) =>
        ControlPlane.Store.PatchAsync(ResourceKinds.PodAutoscaler, ns, name, new JsonObject { ["status"] = new JsonObject { ["desiredScale"] = desired } }, status: true);

    /// <summary>Posts one per-second stat, as the activator does.</summary>
    public async Task PostStatAsync(string ns, string name, double concurrency)
    {
        var stats = new[] { new { @namespace = ns, revision = name, time = DateTimeOffset.UtcNow, averageConcurrency = concurrency, requestCount = concurrency } };
        using var response = await Http.PostAsJsonAsync("/stats", stats);
        Assert.True(response.IsSuccessStatusCode, $"POST /stats: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{Logs}");
    }

    /// <summary><c>GET /revisions/{ns}/{name}/scale</c>: desired scale and reason.</summary>
    public async Task<(int DesiredScale, string Reason)> ScaleAsync(string ns, string name)
    {
        using var response = await Http.GetAsync($"/revisions/{ns}/{name}/scale");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET scale {ns}/{name}: {(int)response.StatusCode} {body}\n{Logs}");
        using var json = JsonDocument.Parse(body);
        return (json.RootElement.GetProperty("desiredScale").GetInt32(), json.RootElement.GetProperty("reason").GetString()!);
    }

    private async Task StartAutoscalerAsync()
    {
        _autoscaler = Launch("autoscaler", AutoscalerProcess.FindAutoscalerDll(),
            ["--urls", $"http://127.0.0.1:{AppPort}", $"--Keda:Port={KedaPort}", "--Autoscaler:Mode=Actors",
             "--Autoscaler:Defaults:ScaleToZeroGracePeriod=00:00:06"],
            env: new()
            {
                // Only the port, as dapr run and ./platform up set it: the SDK then builds http://localhost:{port}/.
                ["DAPR_HTTP_PORT"] = SidecarHttpPort.ToString(),
                ["DAPR_GRPC_PORT"] = SidecarGrpcPort.ToString(),
                ["APP_ID"] = "autoscaler",
                ["ResourceStore__Url"] = ControlPlane.Url,
            });
        await WaitAsync(new Uri($"http://127.0.0.1:{AppPort}/healthz"), _autoscaler, "the autoscaler");
    }

    private Process Launch(string name, string dll, IEnumerable<string> args, Dictionary<string, string> env)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // The test host's own Dapr settings must not leak into the processes.
        foreach (var key in new[] { "DAPR_HTTP_ENDPOINT", "DAPR_GRPC_ENDPOINT", "DAPR_API_TOKEN", "APP_API_TOKEN" }) start.Environment.Remove(key);
        foreach (var (key, value) in env) start.Environment[key] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue($"{name} | {e.Data}"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue($"{name} | {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitAsync(Uri health, Process process, string what)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"{what} exited with {process.ExitCode}:\n{Logs}");
            try
            {
                using var response = await http.GetAsync(health);
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what} not healthy at {health}:\n{Logs}");
            await Task.Delay(100);
        }
    }

    // Every change of a PodAutoscaler's status.desiredScale, in order, as the workload supervisor would see it.
    private async Task RecordDecisionsAsync(CancellationToken ct)
    {
        var last = new Dictionary<string, int>();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await foreach (var e in ControlPlane.Store.WatchAsync(ResourceKinds.PodAutoscaler, null, null, ct))
                {
                    var revision = $"{e.Object.Namespace()}/{e.Object.Name()}";
                    if (e.Object["status"]?["desiredScale"] is JsonValue v && v.TryGetValue<int>(out var desired)
                        && (!last.TryGetValue(revision, out var before) || before != desired))
                    {
                        last[revision] = desired;
                        Applied.Enqueue((revision, desired));
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is ResourceException or ControlPlaneUnreachableException)
            {
                await Task.Delay(200, CancellationToken.None);
            }
        }
    }

    private static string SidecarDll() => Platform.Testing.Builds.Output("tools/sidecar/Platform.Sidecar", "platform-sidecar.dll");

    private static void Kill(Process? process)
    {
        if (process is null) return;
        try { if (!process.HasExited) process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        process.WaitForExit(10_000);
        process.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Kill(_autoscaler);
        Kill(_sidecar);
        await _stopping.CancelAsync();
        await _decisionLoop.ConfigureAwait(false);
        await ControlPlane.DisposeAsync();
        try { Directory.Delete(_root, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
