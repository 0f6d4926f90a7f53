using Platform.Testing;
using Platform.Workloads.Local;

namespace Platform.Workloads.Tests.Local;

public class ProbeStreakTests
{
    // label → results in order, success threshold, failure threshold, want the verdict after the last result
    private static readonly Rows<bool[], int, int, ProbeVerdict> Table = new()
    {
        { "one success passes (threshold 1)", [true], 1, 3, ProbeVerdict.Passed },
        { "two failures are not yet three", [false, false], 1, 3, ProbeVerdict.Pending },
        { "three failures in a row fail", [false, false, false], 1, 3, ProbeVerdict.Failed },
        { "a success breaks the failure streak", [false, false, true, false, false], 2, 3, ProbeVerdict.Pending },
        { "two successes needed", [true], 2, 3, ProbeVerdict.Pending },
        { "two successes in a row pass", [false, true, true], 2, 3, ProbeVerdict.Passed },
        { "a failure breaks the success streak", [true, false, true], 2, 3, ProbeVerdict.Pending },
        { "failure threshold 1", [false], 1, 1, ProbeVerdict.Failed },
        { "a verdict starts a new streak", [false, false, false, false], 1, 3, ProbeVerdict.Pending },
    };

    public static TheoryData<string> Labels => Table.Labels;

    [Theory]
    [MemberData(nameof(Labels))]
    public void Record(string label)
    {
        var (results, success, failure, want) = Table[label];
        var check = new ProbeCheck { SuccessThreshold = success, FailureThreshold = failure };
        var streak = default(ProbeStreak);
        var verdict = ProbeVerdict.Pending;
        foreach (var ok in results)
            (streak, verdict) = streak.Record(ok, check);
        Assert.Equal(want, verdict);
    }
}
