using System.Globalization;
using Platform.Serving.Contracts.Revisions;
using Platform.Workloads.Local;

namespace Platform.Workloads.Tests.Local;

/// <summary>Real replicas from shell commands: crashing, never ready, chatty, with children.</summary>
public class ShellReplicaTests(HelloWorldApp app) : IClassFixture<HelloWorldApp>
{
    [Fact]
    public async Task Replicas_get_PORT_and_the_K_variables_and_their_output_is_kept()
    {
        await using var backend = Replicas.Backend(app);
        var workload = Replicas.Workload(
            "env-00001",
            ["/bin/sh", "-c"],
            ["echo \"PORT=$PORT K_SERVICE=$K_SERVICE K_CONFIGURATION=$K_CONFIGURATION K_REVISION=$K_REVISION TARGET=$TARGET\"; echo oops >&2; exec sleep 1000"],
            [new("TARGET", "World")]);

        await backend.EnsureAsync(workload);
        var line = await backend.ReadLogsAsync(workload.Revision, follow: true).FirstAsync(l => l.Text.StartsWith("PORT=", StringComparison.Ordinal)).AsTask().WaitAsync(Replicas.Patience);

        var replica = Assert.Single(backend.GetStatus(workload.Revision)!.Replicas);
        Assert.Equal($"PORT={replica.Port} K_SERVICE=svc-env-00001 K_CONFIGURATION=cfg-env-00001 K_REVISION=env-00001 TARGET=World", line.Text);
        Assert.Equal((LogStream.Stdout, replica.Name), (line.Stream, line.Replica));
        var error = await backend.ReadLogsAsync(workload.Revision, replica.Name, follow: true).FirstAsync(l => l.Text == "oops").AsTask().WaitAsync(Replicas.Patience);
        Assert.Equal(LogStream.Stderr, error.Stream);
        Assert.Empty(await backend.ReadLogsAsync(workload.Revision, "env-00001-99").ToListAsync());
        Assert.Empty(await backend.ReadLogsAsync(new RevisionKey("test", "unknown")).ToListAsync());
    }

    [Fact]
    public async Task The_start_time_of_a_process_that_exited_and_was_reaped_is_read_without_throwing()
    {
        // A command that fails at once may be gone from /proc before its replica records it (seen under load: the
        // Win32Exception it used to throw stopped the replica runner and left the revision Deploying for good).
        // Another Process object for the same pid has not been told of the exit, as the runner's was not in that race.
        using var process = ReplicaRunner.StartProcess(new LaunchPlan("/bin/sh", ["-c", "sleep 1; exit 3"], Path.GetTempPath(),
            new Dictionary<string, string>(), null));
        using var unaware = System.Diagnostics.Process.GetProcessById(process.Id);
        await process.WaitForExitAsync().WaitAsync(Replicas.Patience);
        var before = DateTimeOffset.UtcNow.AddMinutes(-1);

        var started = ReplicaRunner.StartTimeOf(unaware);

        Assert.InRange(started, before, DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task A_crash_loop_fails_the_revision_with_its_exit_code_and_output_and_keeps_restarting()
    {
        await using var backend = Replicas.Backend(app, o => o with
        {
            InitialRestartDelay = TimeSpan.FromMilliseconds(100),
            MaxRestartDelay = TimeSpan.FromMilliseconds(400),
            ExitsBeforeFailure = 3,
        });
        var workload = Replicas.Workload("crash-00001", ["/bin/sh", "-c"], ["echo starting; echo boom; exit 3"]);

        await backend.EnsureAsync(workload);
        var failed = await Replicas.WaitAsync(backend, workload.Revision, s => s.Failure is not null, "the crash loop to fail the revision");

        Assert.Equal("ExitCode3", failed.Failure!.Reason);
        Assert.StartsWith("Container failed with exit code 3 before becoming ready (3 times in a row). Last output:\n", failed.Failure.Message);
        Assert.Contains("boom", failed.Failure.Message);
        Assert.Equal(["starting", "boom"], failed.Failure.LastOutput.TakeLast(2));
        Assert.True(failed.Restarts >= 3, Replicas.Describe(failed));

        // It keeps restarting with back-off, as Kubernetes does, and counts it.
        var later = await Replicas.WaitAsync(backend, workload.Revision, s => s.Restarts >= 5 && s.Replicas.Any(r => r.Phase == ReplicaPhase.BackingOff), "more restarts");
        Assert.Equal(3, Assert.Single(later.Replicas).LastExitCode);
        Assert.Equal(0, later.Ready);
        Assert.Equal("ExitCode3", later.Failure!.Reason);
    }

    [Fact]
    public async Task A_command_that_exits_at_once_fails_the_revision_also_when_replicas_are_recorded()
    {
        // The replica record reads the process's start time, which an exited process no longer has. Whether it has
        // exited by then is a race, about even here: six exits in a row make missing it unlikely.
        var state = Directory.CreateTempSubdirectory("platform-records-");
        try
        {
            await using var backend = Replicas.Backend(app, o => o with
            {
                StateDirectory = state.FullName,
                InitialRestartDelay = TimeSpan.FromMilliseconds(20),
                MaxRestartDelay = TimeSpan.FromMilliseconds(50),
                ExitsBeforeFailure = 6,
            });
            var workload = Replicas.Workload("instant-00001", ["/bin/sh", "-c"], ["exit 3"]);

            await backend.EnsureAsync(workload);
            var failed = await Replicas.WaitAsync(backend, workload.Revision, s => s.Failure is not null, "the instant exits to fail the revision");

            Assert.Equal("ExitCode3", failed.Failure!.Reason);
        }
        finally
        {
            state.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_sidecar_runs_beside_the_replica_its_output_in_the_logs_and_its_exit_restarts_the_replica()
    {
        var marker = Path.Combine(Path.GetTempPath(), "platform-sidecar-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using var backend = Replicas.Backend(app, o => o with { InitialRestartDelay = TimeSpan.FromMilliseconds(100) });
            // The sidecar prints, then lives until the marker appears, then exits 7.
            var workload = Replicas.Workload("side-00001", ["dotnet"], [app.Dll]) with
            {
                Sidecars = [new SidecarContainer { Name = "helper", Command = ["/bin/sh", "-c"], Args = [$"echo helper up; while [ ! -f {marker} ]; do sleep 0.05; done; exit 7"] }],
            };
            await backend.EnsureAsync(workload);
            var ready = await Replicas.WaitAsync(backend, workload.Revision, s => s.Ready == 1, "a ready replica");
            var pid = Assert.Single(ready.Replicas).ProcessId!.Value;
            await backend.ReadLogsAsync(workload.Revision, follow: true).FirstAsync(l => l.Text == "[helper] helper up").AsTask().WaitAsync(Replicas.Patience);

            File.WriteAllText(marker, "");
            await Replicas.WaitAsync(backend, workload.Revision, s => s.Restarts >= 1, "the restart after the sidecar's exit");
            File.Delete(marker);
            Assert.False(Replicas.Alive(pid), $"the serving process {pid} still runs after its sidecar exited");
            var lines = await backend.ReadLogsAsync(workload.Revision).Select(l => l.Text).ToListAsync();
            Assert.Contains("[platform] restarting: sidecar \"helper\" exited with code 7", lines);
            await Replicas.WaitAsync(backend, workload.Revision, s => s.Ready == 1 && s.Replicas.Single().ProcessId != pid, "the replica back with a new process");
        }
        finally
        {
            File.Delete(marker);
        }
    }

    [Fact]
    public async Task A_replica_that_never_becomes_ready_exceeds_the_progress_deadline()
    {
        await using var backend = Replicas.Backend(app, o => o with { ProgressDeadline = TimeSpan.FromSeconds(1.5) });
        var workload = Replicas.Workload("sleepy-00001", ["sleep"], ["1000"]);

        await backend.EnsureAsync(workload);
        var failed = await Replicas.WaitAsync(backend, workload.Revision, s => s.Failure is not null, "the progress deadline");

        Assert.Equal(WorkloadFailureReasons.ProgressDeadlineExceeded, failed.Failure!.Reason);
        Assert.StartsWith("Initial scale was never achieved: no replica became ready within 1.5s.", failed.Failure.Message);
        Assert.Equal((1, 1, 0), (failed.Desired, failed.Actual, failed.Ready));
        Assert.Equal(ReplicaPhase.Starting, Assert.Single(failed.Replicas).Phase);
    }

    [Fact]
    public async Task Delete_stops_the_whole_process_group()
    {
        await using var backend = Replicas.Backend(app);
        // The shell stays the parent of a background child: both must be gone after delete.
        var workload = Replicas.Workload("tree-00001", ["/bin/sh", "-c"], ["sleep 1000 & echo \"child $!\"; sleep 1000"], initialScale: 2);

        await backend.EnsureAsync(workload);
        var children = await backend.ReadLogsAsync(workload.Revision, follow: true)
            .Where(l => l.Text.StartsWith("child ", StringComparison.Ordinal))
            .Take(2)
            .Select(l => int.Parse(l.Text[6..], CultureInfo.InvariantCulture))
            .ToListAsync().AsTask().WaitAsync(Replicas.Patience);
        var status = backend.GetStatus(workload.Revision)!;
        var pids = status.Replicas.Select(r => r.ProcessId!.Value).Concat(children).ToList();
        Assert.Equal(4, pids.Count);
        Assert.All(pids, p => Assert.True(Replicas.Alive(p), $"pid {p} should run"));

        var watch = backend.WatchAsync().FirstAsync(s => s.Revision == workload.Revision && s.Removed).AsTask();
        Assert.True(await backend.DeleteAsync(workload.Revision));

        Assert.All(pids, p => Assert.False(Replicas.Alive(p), $"pid {p} still runs after delete"));
        Assert.Null(backend.GetStatus(workload.Revision));
        Assert.True((await watch.WaitAsync(Replicas.Patience)).Removed);
        Assert.False(await backend.DeleteAsync(workload.Revision));
        Assert.False(await backend.ScaleAsync(workload.Revision, 1));
    }

    [Fact]
    public async Task A_replica_that_ignores_SIGTERM_is_killed_after_the_grace_period()
    {
        await using var backend = Replicas.Backend(app, o => o with { TerminationGracePeriod = TimeSpan.FromMilliseconds(500) });
        // Ignored signals are inherited: neither the shell nor its sleep stops on SIGTERM.
        var workload = Replicas.Workload("stubborn-00001", ["/bin/sh", "-c"], ["trap '' TERM; sleep 1000 & echo \"child $!\"; wait"]);

        await backend.EnsureAsync(workload);
        var child = await backend.ReadLogsAsync(workload.Revision, follow: true)
            .Where(l => l.Text.StartsWith("child ", StringComparison.Ordinal))
            .Select(l => int.Parse(l.Text[6..], CultureInfo.InvariantCulture))
            .FirstAsync().AsTask().WaitAsync(Replicas.Patience);
        var shell = Assert.Single(backend.GetStatus(workload.Revision)!.Replicas).ProcessId!.Value;

        Assert.True(await backend.ScaleAsync(workload.Revision, 0));

        Assert.False(Replicas.Alive(shell), $"shell {shell} still runs");
        Assert.False(Replicas.Alive(child), $"child {child} still runs");
        Assert.Equal(0, backend.GetStatus(workload.Revision)!.Actual);
    }

    [Fact]
    public async Task Replicas_left_running_by_a_killed_controller_are_reaped_by_the_next_backend_and_nothing_else_is()
    {
        var state = Path.Combine(app.LogsRoot, "state-" + Guid.NewGuid().ToString("N")[..8]);
        // The first backend stands for a controller that is killed: it never stops its replica.
        var first = Replicas.Backend(app, o => o with { StateDirectory = state });
        var workload = Replicas.Workload("orphan-00001", ["/bin/sh", "-c"], ["sleep 1000 & echo \"child $!\"; wait"]);
        await first.EnsureAsync(workload);
        var child = await first.ReadLogsAsync(workload.Revision, follow: true)
            .Where(l => l.Text.StartsWith("child ", StringComparison.Ordinal))
            .Select(l => int.Parse(l.Text[6..], CultureInfo.InvariantCulture))
            .FirstAsync().AsTask().WaitAsync(Replicas.Patience);
        var shell = Assert.Single(first.GetStatus(workload.Revision)!.Replicas).ProcessId!.Value;
        Assert.Contains($"\"pid\":{shell}", File.ReadAllText(Path.Combine(state, "replicas.json")));

        // A record whose pid now belongs to another process (this one, started at another time) is left alone.
        var records = File.ReadAllText(Path.Combine(state, "replicas.json"));
        File.WriteAllText(Path.Combine(state, "replicas.json"), records.TrimEnd(']') +
            $",{{\"pid\":{Environment.ProcessId},\"startTime\":\"2001-01-01T00:00:00+00:00\",\"groupLeader\":false,\"revision\":\"test/x\",\"replica\":\"x-1\"}}]");

        await using (var next = Replicas.Backend(app, o => o with { StateDirectory = state }))
        {
            await Platform.Testing.Condition.UntilAsync(() => !Replicas.Alive(shell) && !Replicas.Alive(child), Replicas.Patience, "the orphaned replica and its child are killed");
            Assert.Equal("[]", File.ReadAllText(Path.Combine(state, "replicas.json")));
        }

        await first.DisposeAsync();
    }

    [Fact]
    public async Task Logs_can_be_followed_while_the_replica_writes()
    {
        await using var backend = Replicas.Backend(app);
        var workload = Replicas.Workload("chatty-00001", ["/bin/sh", "-c"], ["i=0; while true; do echo \"tick $i\"; i=$((i+1)); sleep 0.1; done"]);

        await backend.EnsureAsync(workload);
        var ticks = await backend.ReadLogsAsync(workload.Revision, follow: true)
            .Select(l => l.Text)
            .TakeWhile(t => t != "tick 6")
            .ToListAsync().AsTask().WaitAsync(Replicas.Patience);

        Assert.Equal(["tick 0", "tick 1", "tick 2", "tick 3", "tick 4", "tick 5"], ticks);
        var replica = Assert.Single(backend.GetStatus(workload.Revision)!.Replicas).Name;
        var file = await File.ReadAllLinesAsync(backend.LogFile(workload.Revision, replica));
        Assert.Equal(["tick 0", "tick 1", "tick 2"], file.Take(3));
        var kept = await backend.ReadLogsAsync(workload.Revision, replica).ToListAsync();
        Assert.True(kept.Count >= 7);
        Assert.True(kept.Zip(kept.Skip(1)).All(p => p.First.Sequence < p.Second.Sequence));
    }

    [Fact]
    public async Task An_image_without_command_is_refused_when_no_Docker_engine_is_reachable()
    {
        await using var backend = Replicas.Backend(app);
        var workload = Replicas.Workload("image-00001", []) with { Image = "ghcr.io/knative/helloworld-go" };

        await backend.EnsureAsync(workload);
        var failed = await Replicas.WaitAsync(backend, workload.Revision, s => s.Failure is not null, "the refusal");

        Assert.Equal(WorkloadFailureReasons.ContainerMissing, failed.Failure!.Reason);
        Assert.Contains("no Docker engine is reachable", failed.Failure.Message);
        Assert.Contains("Give the container a command (e.g. --cmd on the CLI)", failed.Failure.Message);
        Assert.Equal((1, 0), (failed.Desired, failed.Actual));

        // Scaling does not retry a refused workload; a new spec does.
        await backend.ScaleAsync(workload.Revision, 2);
        Assert.Equal(0, backend.GetStatus(workload.Revision)!.Actual);
        await backend.EnsureAsync(workload with { Command = ["sleep"], Args = ["1000"] });
        var running = await Replicas.WaitAsync(backend, workload.Revision, s => s.Actual == 2 && s.Replicas.All(r => r.ProcessId is not null), "replicas of the fixed spec");
        Assert.Null(running.Failure);
    }

    [Fact]
    public async Task A_missing_command_is_refused_with_CommandNotFound()
    {
        await using var backend = Replicas.Backend(app);
        var workload = Replicas.Workload("missing-00001", ["no-such-program-4711"]);

        await backend.EnsureAsync(workload);
        var failed = await Replicas.WaitAsync(backend, workload.Revision, s => s.Failure is not null, "the refusal");

        Assert.Equal(WorkloadFailureReasons.CommandNotFound, failed.Failure!.Reason);
        Assert.Equal("Command \"no-such-program-4711\" not found: no executable of that name on PATH.", failed.Failure.Message);
    }

    [Fact]
    public async Task Replicas_start_at_most_MaxConcurrentStarts_at_a_time_each_until_it_is_ready()
    {
        await using var backend = Replicas.Backend(app, o => o with { MaxConcurrentStarts = 2, StartSlotHold = TimeSpan.FromMinutes(1) });
        var workload = Replicas.Workload("gated-00001", ["dotnet"], [app.Dll], initialScale: 5);

        // Every status published on the way to five ready replicas: never more than two processes started and not ready.
        var mostStarting = 0;
        await backend.EnsureAsync(workload);
        var ready = await Replicas.WaitAsync(backend, workload.Revision, s =>
        {
            mostStarting = Math.Max(mostStarting, s.Replicas.Count(r => r.Phase == ReplicaPhase.Starting && r.ProcessId is not null));
            return s.Ready == 5;
        }, "five ready replicas");

        Assert.Equal(5, ready.Replicas.Select(r => r.ProcessId).Distinct().Count());
        Assert.InRange(mostStarting, 1, 2);
    }

    [Fact]
    public async Task A_replica_that_never_gets_ready_gives_its_start_slot_back_after_the_longest_hold()
    {
        // One slot, held by the first replica that never listens: the second still starts once the hold is over.
        await using var backend = Replicas.Backend(app, o => o with { MaxConcurrentStarts = 1, StartSlotHold = TimeSpan.FromMilliseconds(300) });
        var workload = Replicas.Workload("stuck-00001", ["/bin/sh", "-c"], ["exec sleep 1000"], initialScale: 2);

        await backend.EnsureAsync(workload);
        var both = await Replicas.WaitAsync(backend, workload.Revision, s => s.Replicas.Count(r => r.ProcessId is not null) == 2, "both replicas started");

        Assert.Equal(0, both.Ready);
    }

    [Fact]
    public async Task Docker_engine_ping_is_false_without_a_socket_and_true_when_it_answers()
    {
        Assert.False(await DockerEngine.IsReachableAsync("/nonexistent/docker.sock", TimeSpan.FromSeconds(1)));

        var path = Path.Combine(Path.GetTempPath(), $"docker-{Guid.NewGuid():N}.sock"[..20]);
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        listener.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
        listener.Listen();
        var engine = Task.Run(async () =>
        {
            using var connection = await listener.AcceptAsync();
            var buffer = new byte[1024];
            var read = await connection.ReceiveAsync(buffer);
            var request = System.Text.Encoding.ASCII.GetString(buffer, 0, read);
            var answer = request.StartsWith("GET /_ping ", StringComparison.Ordinal) ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK" : "HTTP/1.1 404 Not Found\r\n\r\n";
            await connection.SendAsync(System.Text.Encoding.ASCII.GetBytes(answer));
        });
        try
        {
            Assert.True(await DockerEngine.IsReachableAsync(path, TimeSpan.FromSeconds(5)));
            await engine;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
