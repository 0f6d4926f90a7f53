using System.Diagnostics;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Faults.Tests;

/// <summary>
/// kill -9 of the runner itself (the background supervisor of <c>platform up --detach</c>): its apps keep serving,
/// <c>status</c> says the runner is gone, and <c>down</c> stops every process it left and every replica.
/// </summary>
public sealed class RunnerFaultTests(FaultStack stack, ITestOutputHelper output) : IClassFixture<FaultStack>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [SkippableFact(Timeout = FaultTimeout.Milliseconds)]
    public async Task A_killed_runner_leaves_the_platform_serving_and_down_stops_it_and_every_replica()
    {
        stack.SkipIfUnavailable();
        var run = new RunFiles(stack);
        var create = await stack.CliAsync(Patience, "service", "create", "orphans", "--cmd", "dotnet", "--arg", stack.HelloWorld, "--scale-min", "2", "--wait-timeout", "60");
        Assert.True(create.ExitCode == 0, create.Output);
        await Condition.UntilAsync(() => run.ReplicaPids("default/orphans-00001").Count == 2, Patience, "two replicas run");
        var replicas = run.ReplicaPids("default/orphans-00001");
        var processes = run.State().GetProperty("processes").EnumerateArray().Select(p => p.GetProperty("pid").GetInt32()).ToList();
        var runner = run.State().GetProperty("runnerPid").GetInt32();

        await using (var load = new LoadLoop(stack.ActivatorPort, "orphans.default.localhost"))
        {
            await load.HealthyStretchAsync(100, Patience, "orphans answers");
            var (sent, ok, errors) = (load.Sent, load.Ok, load.Errors);
            var clock = Stopwatch.StartNew();
            Process.GetProcessById(runner).Kill();
            await Condition.UntilAsync(() => !RunFiles.Alive(runner), Patience, "the runner is gone");
            await load.HealthyStretchAsync(300, Patience, "orphans still answers without its runner");
            output.WriteLine(new FaultFigure("kill -9 of the runner (up --detach)", load.Sent - sent, load.Ok - ok, load.Errors - errors, 0, 0, clock.Elapsed).Record());
            Assert.Equal(errors, load.Errors);
        }

        var status = await stack.CliAsync(Patience, "status", "-f", stack.RunFile);
        Assert.Equal(1, status.ExitCode);
        Assert.Contains("is gone without stopping its apps", status.Output);
        var down = await stack.CliAsync(Patience, "down", "-f", stack.RunFile);
        Assert.True(down.ExitCode == 0, down.Output);
        Assert.Contains("was gone; killed", down.Output);
        await Condition.UntilAsync(() => !processes.Concat(replicas).Any(RunFiles.Alive), Patience, "every process and replica of the run is gone");
    }
}
