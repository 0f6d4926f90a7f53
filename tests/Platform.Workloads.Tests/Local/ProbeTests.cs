namespace Platform.Workloads.Tests.Local;

/// <summary>
/// Liveness and startup probes on real helloworld replicas, with exec probes on a marker file the test controls: a
/// replica failing liveness is restarted, a startup probe gates readiness and restarts a replica that never starts.
/// </summary>
public sealed class ProbeTests(HelloWorldApp app) : IClassFixture<HelloWorldApp>, IDisposable
{
    private readonly string _marker = Path.Combine(Path.GetTempPath(), "platform-probe-" + Guid.NewGuid().ToString("N")[..8]);

    private RevisionWorkload Hello(string name) =>
        Replicas.Workload(name, ["dotnet"], [app.Dll], [new("TARGET", "World")]);

    private ProbeCheck MarkerExists(int failureThreshold) =>
        new() { Kind = ProbeKind.Exec, Command = ["test", "-f", _marker], PeriodSeconds = 1, FailureThreshold = failureThreshold };

    [Fact]
    public async Task A_replica_failing_its_liveness_probe_is_restarted()
    {
        File.WriteAllText(_marker, "");
        await using var backend = Replicas.Backend(app, o => o with { InitialRestartDelay = TimeSpan.FromMilliseconds(100) });
        var workload = Hello("live-00001") with { Liveness = MarkerExists(failureThreshold: 2) };
        await backend.EnsureAsync(workload);
        var ready = await Replicas.WaitAsync(backend, workload.Revision, s => s.Ready == 1, "a ready replica");
        var pid = Assert.Single(ready.Replicas).ProcessId!.Value;

        File.Delete(_marker);
        var restarted = await Replicas.WaitAsync(backend, workload.Revision, s => s.Restarts >= 1, "the liveness restart");
        Assert.False(Replicas.Alive(pid), $"pid {pid} still runs after failing liveness");

        File.WriteAllText(_marker, "");
        var again = await Replicas.WaitAsync(backend, workload.Revision, s => s.Ready == 1 && s.Replicas.Single().ProcessId != pid, "a new ready process");
        Assert.Null(again.Failure);
        var lines = await backend.ReadLogsAsync(workload.Revision).Select(l => l.Text).ToListAsync();
        Assert.Contains("[platform] restarting: liveness probe failed 2 time(s) in a row", lines);
        Assert.True(restarted.Restarts >= 1);
    }

    [Fact]
    public async Task A_startup_probe_gates_readiness_until_it_passes()
    {
        await using var backend = Replicas.Backend(app);
        var workload = Hello("startup-00001") with { Startup = MarkerExists(failureThreshold: 1000) };
        await backend.EnsureAsync(workload);

        // helloworld listens (so TCP readiness would pass), but readiness is not probed before startup passes.
        await backend.ReadLogsAsync(workload.Revision, follow: true).FirstAsync(l => l.Text.Contains("listening", StringComparison.Ordinal)).AsTask().WaitAsync(Replicas.Patience);
        var starting = backend.GetStatus(workload.Revision)!;
        Assert.Equal((0, ReplicaPhase.Starting), (starting.Ready, Assert.Single(starting.Replicas).Phase));

        File.WriteAllText(_marker, "");
        await Replicas.WaitAsync(backend, workload.Revision, s => s.Ready == 1, "ready once the startup probe passed");
    }

    [Fact]
    public async Task A_replica_that_fails_its_startup_probe_is_restarted()
    {
        await using var backend = Replicas.Backend(app, o => o with { InitialRestartDelay = TimeSpan.FromMilliseconds(100) });
        var workload = Hello("nostart-00001") with { Startup = MarkerExists(failureThreshold: 2) };
        await backend.EnsureAsync(workload);

        var restarted = await Replicas.WaitAsync(backend, workload.Revision, s => s.Restarts >= 1, "the startup restart");
        Assert.Equal(0, restarted.Ready);
        var lines = await backend.ReadLogsAsync(workload.Revision).Select(l => l.Text).ToListAsync();
        Assert.Contains("[platform] restarting: startup probe failed 2 time(s) in a row", lines);
    }

    public void Dispose() => File.Delete(_marker);
}
