using Platform.ControlPlane.Http;
using Xunit;

namespace Platform.Testing.Processes;

/// <summary>
/// The local control plane alone, as a real process: serving-controller from this test build, on a free port, with
/// in-memory persistence and neither its reconcilers nor its workload supervisor. For tests of a service that meets
/// the others only in the control plane (the autoscaler and its PodAutoscalers, the broker and its triggers).
/// The test project builds serving-controller through a project reference (<c>ReferenceOutputAssembly="false"</c>).
/// </summary>
public sealed class ControlPlaneProcess : IAsyncLifetime
{
    private TestProcess? _process;

    /// <summary>The API's port.</summary>
    public int Port { get; } = FreePort.Next();

    /// <summary>The API's root, what services take as <c>ResourceStore__Url</c>.</summary>
    public string Url => $"http://127.0.0.1:{Port}/";

    /// <summary>A client of the API.</summary>
    public HttpResourceStore Store { get; }

    /// <summary>What the process printed, for failure messages.</summary>
    public string Output => _process?.Tail() ?? "";

    /// <summary>Creates the fixture (started by <see cref="InitializeAsync"/>).</summary>
    public ControlPlaneProcess() => Store = HttpResourceStore.Create(new Uri(Url));

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _process = TestProcess.Start(Builds.Output("services/serving-controller", "Platform.ServingController.dll"), [], new Dictionary<string, string>
        {
            ["APP_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ControlPlane__Persistence"] = "memory",
            ["ControlPlane__Admission"] = "knative",
            ["Serving__Wiring__Reconcile"] = "false",
            ["Serving__Wiring__Supervise"] = "false",
        });
        await _process.WaitUntilAsync($"{Url}healthz", TimeSpan.FromSeconds(60));
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
    }
}
