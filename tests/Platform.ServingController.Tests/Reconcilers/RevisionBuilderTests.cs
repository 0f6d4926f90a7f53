using Platform.Resources.Autoscaling;
using Platform.Resources.Meta;
using Platform.Resources.Serving;
using Platform.Serving.Contracts.Revisions;
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
        var status = RevisionStatusBuilder.Build(Revision("hello-00001"), workload, null, previous, Now);
        var ready = status.GetCondition(ConditionTypes.Ready)!;
        var got = $"{ready.Status}/{ready.Reason}/{status.GetCondition(ConditionTypes.Active)!.Status}";
        Assert.True($"{want}/{wantReason}/{wantActive}" == got, $"{label}: want {want}/{wantReason}/{wantActive}, got {got}");
        Assert.Equal(workload?.Ready ?? 0, status.ActualReplicas);
        if (wantReason == "ExitCode1") Assert.Contains("last line", ready.Message);
    }

    [Fact]
    public void Invalid_spec_fails_with_the_field()
    {
        var status = RevisionStatusBuilder.Build(Revision("hello-00001"), null, null, null, Now, "spec.containers: only a single container is supported, found 2");
        Assert.Equal(("False", "InvalidSpec"), (status.GetCondition("Ready")!.Status, status.GetCondition("Ready")!.Reason));
        Assert.Contains("spec.containers", status.GetCondition("Ready")!.Message);
    }

    [Fact]
    public void Desired_replicas_are_the_PodAutoscalers_decision_once_there_is_one()
    {
        var workload = Workload(1, 1);
        Assert.Equal(workload.Desired, RevisionStatusBuilder.Build(Revision("hello-00001"), workload, null, null, Now).DesiredReplicas);
        Assert.Equal(3, RevisionStatusBuilder.Build(Revision("hello-00001"), workload, new PodAutoscalerStatus { DesiredScale = 3 }, null, Now).DesiredReplicas);
    }

    [Fact]
    public void PodAutoscaler_of_a_revision_carries_its_annotations_concurrency_and_reachability_and_is_owned_by_it()
    {
        var revision = Revision("hello-00001");
        revision.Metadata.Uid = "rev-uid";
        revision.Metadata.Labels = new() { ["serving.knative.dev/service"] = "hello" };
        revision.Spec.ContainerConcurrency = 10;
        revision.Metadata.Annotations = new()
        {
            ["autoscaling.knative.dev/min-scale"] = "1",
            ["kubectl.kubernetes.io/last-applied-configuration"] = "{}",
        };
        var pa = PodAutoscalerBuilder.Build(revision, reachable: false);
        Assert.Equal(("hello-00001", "default"), (pa.Metadata.Name, pa.Metadata.Namespace));
        Assert.Equal((10L, "Unreachable", "http1"), (pa.Spec.ContainerConcurrency, pa.Spec.Reachability, pa.Spec.ProtocolType));
        Assert.Equal(("apps/v1", "Deployment", "hello-00001-deployment"), (pa.Spec.ScaleTargetRef!.ApiVersion, pa.Spec.ScaleTargetRef.Kind, pa.Spec.ScaleTargetRef.Name));
        Assert.Equal("1", pa.Metadata.Annotations!["autoscaling.knative.dev/min-scale"]);
        Assert.False(pa.Metadata.Annotations.ContainsKey("kubectl.kubernetes.io/last-applied-configuration"));
        Assert.Equal(("hello-00001", "hello"), (pa.Metadata.Labels!["serving.knative.dev/revision"], pa.Metadata.Labels["serving.knative.dev/service"]));
        var owner = Assert.Single(pa.Metadata.OwnerReferences!);
        Assert.Equal(("Revision", "rev-uid", true), (owner.Kind, owner.Uid, owner.Controller));

        // Only spec, labels and annotations decide an update; the status is the autoscaler's.
        var stored = PodAutoscalerBuilder.Build(revision, reachable: false);
        stored.Status = new PodAutoscalerStatus { DesiredScale = 4 };
        Assert.False(PodAutoscalerBuilder.NeedsUpdate(stored, pa));
        Assert.True(PodAutoscalerBuilder.NeedsUpdate(stored, PodAutoscalerBuilder.Build(revision, reachable: true)));
        revision.Metadata.Annotations["autoscaling.knative.dev/min-scale"] = "2";
        Assert.True(PodAutoscalerBuilder.NeedsUpdate(stored, PodAutoscalerBuilder.Build(revision, reachable: false)));
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

