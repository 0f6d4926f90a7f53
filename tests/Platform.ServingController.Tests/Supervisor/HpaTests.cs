using Platform.ServingController.Supervisor.Hpa;
using Platform.Workloads.Local;

namespace Platform.ServingController.Tests.Supervisor;

public class HpaTests
{
    // label, ready replicas, metric average, target, min, max, want (Kubernetes' HPA algorithm)
    [Theory]
    [InlineData("at target", 2, 80, 80, 1, 0, 2)]
    [InlineData("within the 10% tolerance above", 2, 87, 80, 1, 0, 2)]
    [InlineData("within the 10% tolerance below", 4, 73, 80, 1, 0, 4)]
    [InlineData("twice the target doubles", 2, 160, 80, 1, 0, 4)]
    [InlineData("ceil of the ratio", 3, 100, 80, 1, 0, 4)]
    [InlineData("half the target halves", 4, 40, 80, 1, 0, 2)]
    [InlineData("idle goes to min, never below 1", 4, 0, 80, 0, 0, 1)]
    [InlineData("min-scale holds", 4, 0, 80, 3, 0, 3)]
    [InlineData("max-scale caps", 2, 800, 80, 1, 5, 5)]
    [InlineData("no replica measured: min", 0, 0, 80, 2, 0, 2)]
    [InlineData("memory: 60 MiB each for 20 MiB", 1, 60, 20, 1, 0, 3)]
    public void Recommend(string label, int ready, double average, double target, int min, int max, int want) =>
        Assert.True(want == HpaDecider.Recommend(ready, average, new HpaSpec("cpu", target, min, max)), label);

    [Fact]
    public void Stabilize_keeps_the_highest_recommendation_of_the_window()
    {
        var now = new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
        (DateTimeOffset, int)[] history = [(now.AddMinutes(-6), 9), (now.AddMinutes(-4), 5), (now.AddMinutes(-1), 3), (now, 2)];
        Assert.Equal(5, HpaDecider.Stabilize(history, now, TimeSpan.FromMinutes(5)));
        Assert.Equal(2, HpaDecider.Stabilize(history, now, TimeSpan.Zero));
        // Scaling up is never held back: the newest, higher recommendation wins at once.
        Assert.Equal(7, HpaDecider.Stabilize([.. history, (now, 7)], now, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void Cpu_is_a_rate_against_the_request_and_memory_a_level()
    {
        var t0 = new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
        var samples = new HpaSamples();
        Assert.Null(samples.Measure([new("a", 10, 0), new("b", 20, 0)], HpaSpec.Cpu, 0.5, t0));
        // 10 s later: a used 4 s of CPU (0.4 cores = 80 % of 0.5), b used 1 s (0.1 cores = 20 %); c is new (no rate yet).
        var cpu = samples.Measure([new("a", 14, 0), new("b", 21, 0), new("c", 1, 0)], HpaSpec.Cpu, 0.5, t0.AddSeconds(10));
        Assert.Equal(50, cpu!.Value, precision: 6);
        Assert.Equal(3, samples.Ready);

        var memory = new HpaSamples().Measure([new("a", 0, 64L * 1024 * 1024), new("b", 0, 32L * 1024 * 1024)], HpaSpec.Memory, null, t0);
        Assert.Equal(48, memory!.Value, precision: 6);
        Assert.Equal(0, new HpaSamples().Measure([], HpaSpec.Cpu, 0.5, t0));
    }

    [Fact]
    public void Proc_files_are_parsed_as_Linux_writes_them_and_read_for_this_process()
    {
        // A command name with spaces and parentheses; utime 150, stime 50, cutime 30, cstime 20 ticks = 2.5 s.
        const string stat = "4242 (my (odd) app) S 1 4242 4242 0 -1 4194560 1000 0 0 0 150 50 30 20 20 0 8 0 123456 100000000 2500";
        var usage = ProcessUsage.Parse("r", stat, "25000 2500 1000 10 0 3000 0", 4096);
        Assert.Equal(("r", 2.5, 2500L * 4096), (usage!.Replica, usage.CpuSeconds, usage.RssBytes));
        Assert.Null(ProcessUsage.Parse("r", "garbage", "1 2", 4096));

        var self = ProcessUsage.Read("self", Environment.ProcessId)!;
        Assert.True(self.CpuSeconds > 0 && self.RssBytes > 1024 * 1024, $"{self}");
        Assert.Null(ProcessUsage.Read("gone", int.MaxValue));
    }
}
