using Platform.Serving.Contracts.Revisions;
using Platform.Resources.Meta;
using Platform.Resources.Serving;
using Platform.ServingController.Reconcilers;
using Platform.ServingController.Reconcilers.Revision.Builders;
using Platform.Workloads;
using static Platform.ServingController.Tests.Reconcilers.Fixtures;

namespace Platform.ServingController.Tests.Reconcilers;

public sealed class RevisionBuilderTests
{
    private static WorkloadStatus Workload(int desired, int ready, int actual = -1, WorkloadFailure? failure = null) => new()
    {
        Revision = new RevisionKey("default", "hello-00001"),
        Desired = desired,
        Ready = ready,
        Actual = actual < 0 ? ready : actual,
        Failure = failure,
    };

    private static readonly WorkloadFailure Crash = new("ExitCode1", "Container failed with: boom\nlast line", ["boom", "last line"]);

    // label | was available before | workload | want Ready, reason, Active
    public static TheoryData<string, bool, WorkloadStatus?, string, string?, string> Rows => new()
    {
        { "no workload yet", false, null, "Unknown", "Deploying", "Unknown" },
        { "starting", false, Workload(1, 0, 1), "Unknown", "Deploying", "Unknown" },
        { "one ready", false, Workload(1, 1), "True", null, "True" },
        { "crashing before ready", false, Workload(1, 0, 1, Crash), "False", "ExitCode1", "Unknown" },
        { "cannot run the container", false, Workload(1, 0, 0, new WorkloadFailure("ContainerMissing", "no docker", [])), "False", "ContainerMissing", "Unknown" },
        { "scaled to zero stays ready", true, Workload(0, 0), "True", null, "False" },
        { "woken from zero, starting", true, Workload(1, 0, 1), "True", null, "Unknown" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Revision_status_from_the_workload(string label, bool wasAvailable, WorkloadStatus? workload, string want, string? wantReason, string wantActive)
    {
        var previous = new RevisionStatus();
        if (wasAvailable) previous.SetCondition(ConditionTypes.ResourcesAvailable, "True", Now);
        var status = RevisionStatusBuilder.Build(Revision("hello-00001"), workload, previous, Now);
        var ready = status.GetCondition(ConditionTypes.Ready)!;
        var got = $"{ready.Status}/{ready.Reason}/{status.GetCondition(ConditionTypes.Active)!.Status}";
        Assert.True($"{want}/{wantReason}/{wantActive}" == got, $"{label}: want {want}/{wantReason}/{wantActive}, got {got}");
        Assert.Equal(workload?.Ready ?? 0, status.ActualReplicas);
        if (wantReason == "ExitCode1") Assert.Contains("last line", ready.Message);
    }

    [Fact]
    public void Invalid_spec_fails_with_the_field()
    {
        var status = RevisionStatusBuilder.Build(Revision("hello-00001"), null, null, Now, "spec.containers: only a single container is supported, found 2");
        Assert.Equal(("False", "InvalidSpec"), (status.GetCondition("Ready")!.Status, status.GetCondition("Ready")!.Reason));
        Assert.Contains("spec.containers", status.GetCondition("Ready")!.Message);
    }

    [Fact]
    public void Scaling_registration_carries_parsed_annotations_only_when_set()
    {
        var revision = Revision("hello-00001");
        var plain = ScalingRegistration.Build(revision, reachable: true);
        Assert.Equal("""{"containerConcurrency":0,"reachable":true,"annotations":{}}""", plain.ToJsonString());

        revision.Spec.ContainerConcurrency = 10;
        revision.Metadata.Annotations = new()
        {
            ["autoscaling.knative.dev/min-scale"] = "1",
            ["autoscaling.knative.dev/initial-scale"] = "2",
            ["autoscaling.knative.dev/window"] = "6s",
            ["autoscaling.knative.dev/metric"] = "rps",
            ["autoscaling.knative.dev/target"] = "50",
        };
        var body = ScalingRegistration.Build(revision, reachable: false);
        Assert.Equal(10, (int)body["containerConcurrency"]!);
        Assert.False((bool)body["reachable"]!);
        var a = body["annotations"]!;
        Assert.Equal((1, 2, "00:00:06", "rps", 50.0), ((int)a["minScale"]!, (int)a["initialScale"]!, (string)a["window"]!, (string)a["metric"]!, (double)a["target"]!));
    }

    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(4, 800)]
    [InlineData(10, 30_000)]
    [InlineData(100, 30_000)]
    public void Work_queue_backs_off_exponentially_up_to_30_seconds(int failures, int wantMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(wantMs), ReconcileQueue.Backoff(failures));
}
