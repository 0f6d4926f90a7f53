using Platform.Workloads.Local;

namespace Platform.Workloads.Tests.Local;

/// <summary>Real replicas of samples/helloworld, started as processes by the local backend.</summary>
public class HelloWorldReplicaTests(HelloWorldApp app) : IClassFixture<HelloWorldApp>
{
    private RevisionWorkload Hello(string name) =>
        Replicas.Workload(name, ["dotnet"], [app.Dll], [new("TARGET", "World")]);

    [Fact]
    public async Task Starts_a_ready_replica_that_answers_then_scales_to_three_and_to_zero()
    {
        await using var backend = Replicas.Backend(app);
        var workload = Hello("hello-00001");

        await backend.EnsureAsync(workload);
        var ready = await Replicas.WaitAsync(backend, workload.Revision, s => s.Ready == 1, "one ready replica");

        var endpoint = Assert.Single(ready.Endpoints);
        Assert.Equal("127.0.0.1", endpoint.Host);
        using (var http = new HttpClient())
        {
            using var response = await http.GetAsync($"http://{endpoint.Authority}/");
            Assert.Equal("Hello World!\n", await response.Content.ReadAsStringAsync());
            Assert.Equal("hello-00001", Assert.Single(response.Headers.GetValues("X-Revision")));
        }

        // Ensuring the same workload again changes nothing: same process.
        var pid = Assert.Single(ready.Replicas).ProcessId!.Value;
        await backend.EnsureAsync(workload with { Env = [new("TARGET", "World")] });
        Assert.Equal(pid, Assert.Single(backend.GetStatus(workload.Revision)!.Replicas).ProcessId);

        Assert.True(await backend.ScaleAsync(workload.Revision, 3));
        var three = await Replicas.WaitAsync(backend, workload.Revision, s => s.Ready == 3, "three ready replicas");
        Assert.Equal(3, three.Endpoints.Select(e => e.Port).Distinct().Count());
        // Below the ephemeral range: no outgoing connection (a probe, a client) can hold a replica's port before it binds it.
        Assert.All(three.Endpoints, e => Assert.InRange(e.Port, LoopbackPorts.Lowest, LoopbackPorts.EphemeralStart - 1));
        Assert.Equal((3, 3), (three.Desired, three.Actual));
        foreach (var each in three.Endpoints)
        {
            Assert.Equal("Hello World!\n", await Replicas.GetAsync(each));
        }

        var pids = three.Replicas.Select(r => r.ProcessId!.Value).ToList();
        Assert.True(await backend.ScaleAsync(workload.Revision, 0));
        var zero = backend.GetStatus(workload.Revision)!;
        Assert.Equal((0, 0, 0), (zero.Desired, zero.Actual, zero.Ready));
        Assert.Empty(zero.Endpoints);
        Assert.Empty(zero.Replicas);
        Assert.All(pids, p => Assert.False(Replicas.Alive(p), $"pid {p} still runs after scale to zero"));

        // What the replica printed stays readable after it stopped, and in its file.
        var lines = await backend.ReadLogsAsync(workload.Revision).Select(l => l.Text).ToListAsync();
        Assert.Contains($"helloworld: listening on {endpoint.Port} as revision 'hello-00001'", lines);
        Assert.Contains($"helloworld: listening on {endpoint.Port} as revision 'hello-00001'", await File.ReadAllTextAsync(backend.LogFile(workload.Revision, endpoint.Replica)));
    }

    [Fact]
    public async Task Http_readiness_probe_uses_its_path_and_headers()
    {
        await using var backend = Replicas.Backend(app, o => o with { ProgressDeadline = TimeSpan.FromSeconds(4) });
        var good = Hello("probe-good") with
        {
            Readiness = new ProbeCheck { Kind = ProbeKind.Http, Path = "/", Headers = [new("X-Probe", "1")] },
        };
        // helloworld answers 404 on /healthz: the TCP port opens, yet the replica must never become ready.
        var bad = Hello("probe-bad") with { Readiness = new ProbeCheck { Kind = ProbeKind.Http, Path = "/healthz" } };

        await Task.WhenAll(backend.EnsureAsync(good), backend.EnsureAsync(bad));

        var ready = await Replicas.WaitAsync(backend, good.Revision, s => s.Ready == 1, "the good probe to pass");
        Assert.Null(ready.Failure);
        var failed = await Replicas.WaitAsync(backend, bad.Revision, s => s.Failure is not null, "the bad probe's revision to fail");
        Assert.Equal(WorkloadFailureReasons.ProgressDeadlineExceeded, failed.Failure!.Reason);
        Assert.Equal((1, 0), (failed.Actual, failed.Ready));

        // The replica itself runs and answers; only the probe's path does not.
        var port = Assert.Single(failed.Replicas).Port!.Value;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        Assert.Equal("Hello World!\n", await Eventually(() => http.GetStringAsync($"http://127.0.0.1:{port}/")));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync($"http://127.0.0.1:{port}/healthz")).StatusCode);
        Assert.Equal(0, backend.GetStatus(bad.Revision)!.Ready);
    }

    // A slow machine may still be starting the replica: retry until it listens.
    private static async Task<T> Eventually<T>(Func<Task<T>> action)
    {
        var deadline = DateTime.UtcNow + Replicas.Patience;
        while (true)
        {
            try
            {
                return await action();
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    [Fact]
    public async Task A_ready_replica_picked_for_scale_down_keeps_serving_until_the_data_plane_routes_elsewhere()
    {
        await using var backend = Replicas.Backend(app, o => o with { DrainTimeout = TimeSpan.FromMinutes(5) });
        var workload = Hello("drain-00001") with { InitialScale = 2 };
        await backend.EnsureAsync(workload);
        var two = await Replicas.WaitAsync(backend, workload.Revision, s => s.Ready == 2, "two ready replicas");

        var scaling = backend.ScaleAsync(workload.Revision, 1);
        var one = await Replicas.WaitAsync(backend, workload.Revision, s => s.Desired == 1 && s.Endpoints.Count == 1, "the endpoints without the replica picked to stop");
        var dropped = two.Endpoints.Single(e => one.Endpoints.All(o => o.Replica != e.Replica));
        var droppedPid = two.Replicas.Single(r => r.Name == dropped.Replica).ProcessId!.Value;

        // Left out of the endpoints, it still answers whatever the activator sent before it learned so.
        Assert.Equal("Hello World!\n", await Replicas.GetAsync(dropped));
        Assert.False(scaling.IsCompleted, "the scale-down finished before the data plane applied the endpoints");

        backend.EndpointsApplied(workload.Revision, one.Version);
        await scaling.WaitAsync(Replicas.Patience);
        Assert.False(Replicas.Alive(droppedPid), $"pid {droppedPid} still runs after the drain");
        Assert.Equal(1, backend.GetStatus(workload.Revision)!.Ready);
    }

    [Fact]
    public async Task Without_word_from_the_data_plane_a_draining_replica_stops_after_the_drain_timeout()
    {
        await using var backend = Replicas.Backend(app, o => o with { DrainTimeout = TimeSpan.FromMilliseconds(300) });
        var workload = Hello("undrained-00001") with { InitialScale = 2 };
        await backend.EnsureAsync(workload);
        var two = await Replicas.WaitAsync(backend, workload.Revision, s => s.Ready == 2, "two ready replicas");

        await backend.ScaleAsync(workload.Revision, 0).WaitAsync(Replicas.Patience);

        Assert.All(two.Replicas, r => Assert.False(Replicas.Alive(r.ProcessId!.Value), $"{r.Name} still runs"));
        Assert.Empty(backend.GetStatus(workload.Revision)!.Replicas);
    }
}
