using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Testing;
using Platform.Testing.Serving;
using Xunit.Abstractions;

namespace Platform.Faults.Tests;

/// <summary>The Serving stack of <c>platform up</c>, with Redis persisting to an append-only file as <c>up</c> runs it.</summary>
public sealed class FaultStack : ServingStack
{
    /// <summary>Sets the options before the stack starts.</summary>
    public FaultStack() => Options = new ServingStackOptions { RedisAppendOnly = true };
}

/// <summary>
/// kill -9 under steady load (8 loops of GET through the activator) of a replica, of each platform process and of
/// Redis, on the real stack `platform up` runs. Each case waits for full recovery (every app healthy, the service
/// answering, the replicas back to min-scale) and records its figures; the next case starts from there.
/// </summary>
public sealed class ServingFaultTests(FaultStack stack, ITestOutputHelper output) : IClassFixture<FaultStack>
{
    private const string Service = "steady";
    private const string Host = "steady.default.localhost";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private static readonly SemaphoreSlim Created = new(1, 1);
    private static bool _created;

    private async Task EnsureServiceAsync()
    {
        stack.SkipIfUnavailable();
        await Created.WaitAsync();
        try
        {
            if (_created) return;
            var create = await stack.CliAsync(Patience, "service", "create", Service, "--cmd", "dotnet", "--arg", stack.HelloWorld,
                "--env", "TARGET=Faults", "--scale-min", "2", "--wait-timeout", "60");
            Assert.True(create.ExitCode == 0, create.Output + "\n" + stack.AppLog("serving-controller"));
            _created = true;
        }
        finally
        {
            Created.Release();
        }
    }

    private readonly RunFiles _run = new(stack);

    private JsonElement RunState() => _run.State();

    private int? PidOf(string process) => _run.PidOf(process);

    private List<int> ReplicaPids() => _run.ReplicaPids($"default/{Service}-00001");

    private static bool Alive(int pid) => RunFiles.Alive(pid);

    private async Task<int> ReadyReplicasAsync()
    {
        using var http = stack.ApiClient();
        var workload = JsonNode.Parse(await http.GetStringAsync($"{stack.Server}/workloads/v1/revisions/default/{Service}-00001"))!;
        return (int)workload["ready"]!;
    }

    private async Task<bool> AllHealthyAsync() => (await stack.CliAsync(Patience, "status", "-f", stack.RunFile)).ExitCode == 0;

    [SkippableFact(Timeout = FaultTimeout.Milliseconds)]
    public async Task A_replica_killed_under_load_costs_no_request_and_is_replaced()
    {
        await EnsureServiceAsync();
        await using var load = new LoadLoop(stack.ActivatorPort, Host);
        // Both replicas ready, not only running: with one of them still starting, the victim can be the only one the
        // activator has, and then no replica is left to take its requests (a race of the test, not of the platform).
        await Condition.UntilAsync(async () => ReplicaPids().Count == 2 && await ReadyReplicasAsync() == 2, Patience, "two replicas ready");
        await load.HealthyStretchAsync(200, Patience, "steady answers before the fault");
        var victim = ReplicaPids()[0];
        var (sent, ok, errors, at) = (load.Sent, load.Ok, load.Errors, load.Now);

        Process.GetProcessById(victim).Kill();
        await Condition.UntilAsync(() => ReplicaPids() is { Count: 2 } pids && !pids.Contains(victim), Patience, "a replacement replica runs");
        var replaced = load.Now - at;
        await load.HealthyStretchAsync(500, Patience, "steady answers after the fault");

        var figure = new FaultFigure("kill -9 of a replica (min-scale 2)", load.Sent - sent, load.Ok - ok, load.Errors - errors, 0, 0, replaced);
        FaultFigures.Record(figure, output);
        // The activator says which replica refused and whether another was tried; the controller, when endpoints moved.
        Assert.True(figure.Errors == 0, $"{figure.Errors} request(s) failed: {load.ErrorSamples}\n" +
            $"--- activator ---\n{stack.AppLog("activator")}\n--- serving-controller ---\n{stack.AppLog("serving-controller")}");
    }

    /// <summary>The platform's processes; the activator itself is the ingress, so its outage is counted, not forbidden.</summary>
    [SkippableTheory(Timeout = FaultTimeout.Milliseconds)]
    [InlineData("autoscaler", true)]
    [InlineData("autoscaler (dapr)", true)]
    [InlineData("activator (dapr)", true)]
    [InlineData("serving-controller (dapr)", true)]
    [InlineData("serving-controller", false)]
    [InlineData("activator", false)]
    public async Task A_platform_process_killed_under_load_is_restarted_by_the_runner_and_serving_recovers(string process, bool noErrors)
    {
        await EnsureServiceAsync();
        await Condition.UntilAsync(AllHealthyAsync, Patience, "every app healthy before the fault");
        await using var load = new LoadLoop(stack.ActivatorPort, Host);
        await load.HealthyStretchAsync(200, Patience, "steady answers before the fault");
        await Condition.UntilAsync(() => ReplicaPids().Count == 2, Patience, "two replicas run");
        var replicasBefore = ReplicaPids();
        var victim = PidOf(process) ?? throw new InvalidOperationException($"{process} is not in the run state");
        var (sent, ok, errors, at) = (load.Sent, load.Ok, load.Errors, load.Now);

        Process.GetProcessById(victim).Kill();
        await Condition.UntilAsync(() => PidOf(process) is int pid && pid != victim, Patience, $"{process} restarted by the runner");
        await Condition.UntilAsync(AllHealthyAsync, Patience, "every app healthy again");
        var healthy = load.Now;
        await load.HealthyStretchAsync(300, Patience, "steady answers after the fault");
        // Replicas: never more than min-scale for long. A restarted controller reaps the ones it left and starts new ones.
        await Condition.UntilAsync(() => ReplicaPids().Count == 2, Patience, "two replicas run after the fault");
        if (process == "serving-controller")
            Assert.DoesNotContain(replicasBefore, Alive);
        // Recovered: every app healthy again and the last failed request behind.
        var recovered = (load.LastError is { } last && last > healthy ? last : healthy) - at;

        var figure = new FaultFigure($"kill -9 of {process} under load", load.Sent - sent, load.Ok - ok, load.Errors - errors, 0, 0, recovered);
        FaultFigures.Record(figure, output);
        if (noErrors) Assert.True(figure.Errors == 0, $"{figure.Errors} request(s) failed: {load.ErrorSamples}");
        var crash = RunState().GetProperty("crashes").EnumerateArray().Single(c => c.GetProperty("name").GetString() == process);
        Assert.Equal(137, crash.GetProperty("lastExitCode").GetInt32());
    }

    [SkippableFact(Timeout = FaultTimeout.Milliseconds)]
    public async Task Redis_killed_keeps_every_acknowledged_resource_and_the_control_plane_takes_writes_again()
    {
        await EnsureServiceAsync();
        using var http = stack.ApiClient();
        async Task<HashSet<string>> ServicesAsync()
        {
            var list = JsonNode.Parse(await http.GetStringAsync($"{stack.Server}/apis/serving.knative.dev/v1/namespaces/default/services"))!;
            return list["items"]!.AsArray().Select(i => (string)i!["metadata"]!["name"]!).ToHashSet();
        }
        var create = await stack.CliAsync(Patience, "service", "create", "durable", "--cmd", "dotnet", "--arg", stack.HelloWorld, "--wait-timeout", "60");
        Assert.True(create.ExitCode == 0, create.Output);
        var acknowledged = await ServicesAsync();
        var clock = Stopwatch.StartNew();

        await stack.Redis.KillAndRestartAsync();
        // Writes are taken again: the control plane's view and Redis agree after the restart.
        CliResult after = new(1, "");
        try
        {
            await Condition.UntilAsync(async () => (after = await stack.CliAsync(Patience, "service", "create", "after-redis", "--cmd", "dotnet",
                "--arg", stack.HelloWorld, "--wait-timeout", "60")).ExitCode == 0 || after.Output.Contains("already exists"), Patience, "a Service can be created after the Redis restart");
        }
        catch (TimeoutException e)
        {
            // What the last attempt said (it failed once on a bare clone with no more than the timeout to go on).
            throw new TimeoutException($"{e.Message}; the last `service create` exited {after.ExitCode}:\n{after.Output}", e);
        }
        var recovered = clock.Elapsed;
        acknowledged.Add("after-redis");

        // And what Redis holds is what a restarted controller loads.
        var controller = PidOf("serving-controller")!.Value;
        Process.GetProcessById(controller).Kill();
        await Condition.UntilAsync(() => PidOf("serving-controller") is int pid && pid != controller, Patience, "the controller restarted");
        await Condition.UntilAsync(AllHealthyAsync, Patience, "every app healthy again");
        var found = await ServicesAsync();
        var lost = acknowledged.Except(found).ToList();

        FaultFigures.Record(new FaultFigure("kill -9 of Redis (AOF everysec), then of the controller: Services", acknowledged.Count, acknowledged.Count, 0, 0, lost.Count, recovered), output);
        Assert.True(lost.Count == 0, "lost: " + string.Join(", ", lost));
        foreach (var name in new[] { "durable", "after-redis" })
            Assert.Equal(0, (await stack.CliAsync(Patience, "service", "delete", name)).ExitCode);
    }
}
