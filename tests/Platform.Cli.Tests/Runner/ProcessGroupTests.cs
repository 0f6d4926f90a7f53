using Platform.Cli.Runner.Launch;
using Platform.Cli.Runner.Processes;
using Platform.Cli.Runner.State;

namespace Platform.Cli.Tests.Runner;

/// <summary>Real child processes: group stop reaches grandchildren; leftovers of a dead runner are found by pid and start time.</summary>
public sealed class ProcessGroupTests : IDisposable
{
    private readonly string _marker = "platform-cli-group-" + Guid.NewGuid().ToString("N")[..8];
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("platform-cli-state-");

    public void Dispose()
    {
        foreach (var pid in Commands.PlatformProcess.ProcessesMentioning(_marker)) Signals.Send(pid, Signals.Kill);
        _dir.Delete(recursive: true);
    }

    private ProcessSpec Shell(string script) => new("test", "test", ProcessRole.App, ["sh", "-c", script, _marker], _dir.FullName,
        new EnvironmentChange(new Dictionary<string, string> { ["GREETING"] = "hello" }, []));

    [Fact]
    public async Task Stop_reaches_grandchildren_and_output_lines_are_kept()
    {
        var lines = new List<string>();
        // Two grandchildren that carry the marker in their command line too ($0 of the inner shells).
        using var child = ChildProcess.Start(Shell("echo $GREETING; sh -c 'sleep 300; :' \"$0\" & sh -c 'sleep 300; :' \"$0\"; :"), l => { lock (lines) lines.Add(l); });
        Assert.True(child.OwnGroup, "setsid is expected on Linux");
        await Platform.Testing.Condition.UntilAsync(() => Commands.PlatformProcess.ProcessesMentioning(_marker).Count >= 3 && child.LastLines().Count > 0,
            TimeSpan.FromSeconds(30), "the group's three processes run and the first wrote its line");

        await child.StopAsync(TimeSpan.FromSeconds(5));
        Assert.True(child.Exited.IsCompleted);
        Assert.Equal(["hello"], child.LastLines());
        // SIGKILL is delivered asynchronously: gone within a deadline.
        await Platform.Testing.Condition.UntilAsync(() => Commands.PlatformProcess.ProcessesMentioning(_marker).Count == 0, TimeSpan.FromSeconds(10), "no process of the group is left");
    }

    [Fact]
    public void A_missing_program_is_named()
    {
        var e = Assert.Throws<FileNotFoundException>(() => ChildProcess.Start(Shell("") with { Command = ["no-such-program-here"] }, _ => { }));
        Assert.Equal("program \"no-such-program-here\" was not found on PATH", e.Message);
    }

    [Fact]
    public async Task Leftovers_recorded_in_state_are_killed_and_recycled_pids_are_not()
    {
        using var child = ChildProcess.Start(Shell("sleep 300"), _ => { });
        var store = new RunStateStore(_dir.FullName);
        var state = new RunState
        {
            RunnerPid = 1, // not ours and alive: proves RunnerAlive compares start times
            RunnerStartTime = DateTimeOffset.UnixEpoch,
            Detached = true,
            File = "dapr.yaml",
            Processes =
            [
                new RunProcess("test", "test", ProcessRole.App, child.Pid, child.StartTime, child.OwnGroup),
                new RunProcess("recycled", "test", ProcessRole.App, Environment.ProcessId, DateTimeOffset.UnixEpoch, false),
            ],
        };
        store.Write(state);
        var read = store.Read()!;
        Assert.Equal(state.Processes, read.Processes);
        Assert.False(RunStateStore.RunnerAlive(read));

        Assert.Equal(1, RunStateStore.KillLeftovers(read, _dir.FullName));
        await child.Exited.WaitAsync(TimeSpan.FromSeconds(10));
        store.Delete();
        Assert.Null(store.Read());
    }
}
