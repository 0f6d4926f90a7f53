using Platform.Cli.Runner;
using Platform.Cli.Runner.Logs;

namespace Platform.Cli.Tests.Runner;

public sealed class RunLogsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("platform-runlogs-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Logs => Path.Combine(_dir.FullName, "logs");

    [Fact]
    public void The_previous_runs_logs_and_replica_folders_move_under_runs_with_their_start_time()
    {
        Directory.CreateDirectory(Path.Combine(Logs, "replicas", "default", "hello-00001"));
        File.WriteAllText(Path.Combine(Logs, "replicas", "default", "hello-00001", "hello-00001-1.log"), "replica line");
        File.WriteAllText(Path.Combine(Logs, "broker.log"), "broker crashed");

        var target = RunLogs.KeepPrevious(Logs, new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

        Assert.Equal(Path.Combine(Logs, "runs", "2026-12-03T12-00-00Z"), target);
        Assert.Equal("broker crashed", File.ReadAllText(Path.Combine(target!, "broker.log")));
        Assert.True(File.Exists(Path.Combine(target!, "replicas", "default", "hello-00001", "hello-00001-1.log")));
        Assert.Equal(["runs"], Directory.EnumerateFileSystemEntries(Logs).Select(Path.GetFileName));
    }

    [Fact]
    public void Nothing_to_keep_moves_nothing_and_the_oldest_runs_beyond_the_limit_are_dropped()
    {
        Assert.Null(RunLogs.KeepPrevious(Logs));
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < RunLogs.Kept + 3; i++)
        {
            Directory.CreateDirectory(Logs);
            File.WriteAllText(Path.Combine(Logs, "a.log"), i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            RunLogs.KeepPrevious(Logs, start.AddMinutes(i));
        }
        var kept = Directory.GetDirectories(Path.Combine(Logs, "runs")).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(RunLogs.Kept, kept.Count);
        Assert.Equal("3", File.ReadAllText(Path.Combine(kept[0], "a.log")));
        Assert.Equal((RunLogs.Kept + 2).ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(Path.Combine(kept[^1], "a.log")));
    }

    [Fact]
    public void Two_runs_in_the_same_second_do_not_overwrite_each_other()
    {
        var at = new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
        Directory.CreateDirectory(Logs);
        File.WriteAllText(Path.Combine(Logs, "a.log"), "first");
        RunLogs.KeepPrevious(Logs, at);
        File.WriteAllText(Path.Combine(Logs, "a.log"), "second");
        var second = RunLogs.KeepPrevious(Logs, at);
        Assert.EndsWith("-2", second);
        Assert.Equal("first", File.ReadAllText(Path.Combine(Logs, "runs", "2026-12-03T12-00-00Z", "a.log")));
    }

    [Fact]
    public void Redis_is_started_with_an_append_only_file_fsynced_every_second_and_no_snapshots()
    {
        var args = LocalRun.RedisArguments("/usr/bin/redis-server", "/x/.platform/redis");
        string After(string flag) => args[args.ToList().IndexOf(flag) + 1];
        Assert.Equal("yes", After("--appendonly"));
        Assert.Equal("everysec", After("--appendfsync"));
        Assert.Equal("", After("--save"));
        Assert.Equal("127.0.0.1", After("--bind"));
        Assert.Equal("/x/.platform/redis", After("--dir"));
    }
}
