using Platform.Resources.Meta;
using Platform.Resources.Serving;
using Platform.Serving.Contracts.Revisions;

namespace Platform.Workloads.Tests;

public class RevisionConditionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly RevisionKey Key = new("default", "hello-00001");

    private static WorkloadStatus W(int desired, int ready, WorkloadFailure? failure = null) =>
        new() { Revision = Key, Desired = desired, Actual = Math.Max(desired, ready), Ready = ready, Failure = failure };

    // want: "Type=Status/Reason" for each condition, sorted by type.
    public static TheoryData<string, bool, WorkloadStatus?, string[]> Rows => new()
    {
        { "no workload yet", false, null, ["ContainerHealthy=Unknown/Deploying", "Ready=Unknown/Deploying", "ResourcesAvailable=Unknown/Deploying"] },
        { "starting", false, W(1, 0), ["ContainerHealthy=Unknown/Deploying", "Ready=Unknown/Deploying", "ResourcesAvailable=Unknown/Deploying"] },
        { "one ready", false, W(1, 1), ["Active=True/", "ContainerHealthy=True/", "Ready=True/", "ResourcesAvailable=True/"] },
        { "scaled to zero", true, W(0, 0), ["Active=False/NoTraffic", "ContainerHealthy=True/", "Ready=True/", "ResourcesAvailable=True/"] },
        { "initial scale zero is ready", false, W(0, 0), ["Active=False/NoTraffic", "ContainerHealthy=True/", "Ready=True/", "ResourcesAvailable=True/"] },
        { "scaling up from zero stays ready", true, W(1, 0), ["Active=Unknown/Activating", "ContainerHealthy=True/", "Ready=True/", "ResourcesAvailable=True/"] },
        { "crash loop", false, W(1, 0, new("ExitCode3", "boom", [])), ["ContainerHealthy=False/ExitCode3", "Ready=False/ExitCode3", "ResourcesAvailable=Unknown/Deploying"] },
        { "crash loop after being ready", true, W(1, 0, new("ExitCode1", "boom", [])), ["Active=False/NoTraffic", "ContainerHealthy=False/ExitCode1", "Ready=False/ExitCode1", "ResourcesAvailable=True/"] },
        { "never ready", false, W(1, 0, new("ProgressDeadlineExceeded", "late", [])), ["ContainerHealthy=Unknown/Deploying", "Ready=False/ProgressDeadlineExceeded", "ResourcesAvailable=False/ProgressDeadlineExceeded"] },
        { "command not found", false, W(1, 0, new("CommandNotFound", "nope", [])), ["ContainerHealthy=False/CommandNotFound", "Ready=False/CommandNotFound", "ResourcesAvailable=Unknown/Deploying"] },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Reports_the_workload_as_Knative_revision_conditions(string label, bool wasScaledToZero, WorkloadStatus? workload, string[] want)
    {
        var status = new RevisionStatus();
        // Every row but the first starts from a revision that is deploying (or was ready and went to zero).
        if (workload is not null)
        {
            RevisionConditions.Apply(wasScaledToZero ? W(0, 0) : W(1, 0), status, Now.AddMinutes(-1));
        }

        RevisionConditions.Apply(workload, status, Now);
        var got = status.Conditions!.Select(c => $"{c.Type}={c.Status}/{c.Reason}").ToArray();
        Assert.True(want.SequenceEqual(got), $"{label}: want [{string.Join(", ", want)}] got [{string.Join(", ", got)}]");
    }

    [Fact]
    public void Counts_ready_replicas_as_actual_and_keeps_the_message()
    {
        var status = new RevisionStatus();
        RevisionConditions.Apply(new WorkloadStatus { Revision = Key, Desired = 3, Actual = 3, Ready = 2 }, status, Now);
        Assert.Equal((2, 3), (status.ActualReplicas, status.DesiredReplicas));

        RevisionConditions.Apply(W(1, 0, new("ExitCode3", "Container failed ... boom", ["boom"])), status, Now);
        Assert.Equal("Container failed ... boom", status.GetCondition(ConditionTypes.Ready)!.Message);
    }
}
