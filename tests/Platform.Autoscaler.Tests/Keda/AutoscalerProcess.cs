using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Externalscaler;
using Grpc.Net.Client;
using Platform.ControlPlane.Kinds;
using Platform.Testing;
using Platform.Testing.Processes;

namespace Platform.Autoscaler.Tests.Keda;

/// <summary>
/// The real autoscaler, started from its build output as its own process on free loopback ports: the app port
/// (HTTP/1.1 intake) and the KEDA h2c port, following the PodAutoscalers of a real control plane (serving-controller,
/// API only). DAPR_HTTP_PORT points at a closed port, so the app must start without a sidecar and fall back to
/// in-process revision autoscalers.
/// </summary>
public sealed class AutoscalerProcess : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    public ControlPlaneProcess ControlPlane { get; } = new();
    public int AppPort { get; } = FreePort.Next();
    public int KedaPort { get; } = FreePort.Next();
    public HttpClient Http { get; private set; } = null!;
    public GrpcChannel Channel { get; private set; } = null!;
    public ExternalScaler.ExternalScalerClient Scaler { get; private set; } = null!;

    /// <summary>The last lines the process printed, for failure messages.</summary>
    public string Logs => string.Join(Environment.NewLine, _output.TakeLast(40));

    public async Task InitializeAsync()
    {
        await ControlPlane.InitializeAsync();
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
        start.Environment["ResourceStore__Url"] = ControlPlane.Url;
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

    /// <summary>
    /// Creates a revision's PodAutoscaler in the control plane, as the revision reconciler does, and waits until the
    /// autoscaler has decided its first scale (its <c>status.desiredScale</c>).
    /// </summary>
    public async Task<int> CreatePodAutoscalerAsync(string ns, string name, int containerConcurrency = 0, IReadOnlyDictionary<string, string>? annotations = null, bool reachable = true)
    {
        var annotationNode = new JsonObject();
        foreach (var (k, v) in annotations ?? new Dictionary<string, string>()) annotationNode["autoscaling.knative.dev/" + k] = v;
        await ControlPlane.Store.CreateAsync(ResourceKinds.PodAutoscaler, new JsonObject
        {
            ["apiVersion"] = "autoscaling.internal.knative.dev/v1alpha1",
            ["kind"] = "PodAutoscaler",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["annotations"] = annotationNode },
            ["spec"] = new JsonObject { ["containerConcurrency"] = containerConcurrency, ["reachability"] = reachable ? "Reachable" : "Unreachable" },
        });
        var desired = await WaitForDesiredScaleAsync(ns, name, _ => true);
        // And until the autoscaler's own view (what KEDA reads) has it: one watch event behind the control plane.
        var reference = new ScaledObjectRef { Name = name, Namespace = ns };
        reference.ScalerMetadata["revision"] = name;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                await Scaler.GetMetricsAsync(new GetMetricsRequest { ScaledObjectRef = reference, MetricName = "desired-scale" });
                return desired;
            }
            catch (Grpc.Core.RpcException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
    }

    /// <summary>Records ready replicas in the PodAutoscaler, as the workload supervisor does.</summary>
    public Task ReportReadyAsync(string ns, string name, int ready) =>
        ControlPlane.Store.PatchAsync(ResourceKinds.PodAutoscaler, ns, name, new JsonObject { ["status"] = new JsonObject { ["actualScale"] = ready } }, status: true);

    /// <summary>The PodAutoscaler's <c>status.desiredScale</c> once <paramref name="until"/> holds for it (30 s at most).</summary>
    public async Task<int> WaitForDesiredScaleAsync(string ns, string name, Func<int, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var pa = await ControlPlane.Store.GetAsync(ResourceKinds.PodAutoscaler, ns, name);
            if (pa?["status"]?["desiredScale"] is JsonValue v && v.TryGetValue<int>(out var desired) && until(desired)) return desired;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{ns}/{name}: status.desiredScale not as wanted within 30 s (PodAutoscaler: {pa?.ToJsonString()})\n{Logs}");
            await Task.Delay(50);
        }
    }

    public async Task DisposeAsync()
    {
        Channel?.Dispose();
        Http?.Dispose();
        try { if (_process is { HasExited: false }) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process?.WaitForExit(5000);
        _process?.Dispose();
        await ControlPlane.DisposeAsync();
    }

    internal static string FindAutoscalerDll() => Platform.Testing.Builds.Output("services/autoscaler", "Platform.Autoscaler.dll");
}

[CollectionDefinition(Name)]
public sealed class AutoscalerProcessCollection : ICollectionFixture<AutoscalerProcess>
{
    public const string Name = "autoscaler process";
}
