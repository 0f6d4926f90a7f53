using System.Text.Json.Nodes;
using Platform.Serving.Contracts.Revisions;
using Platform.Workloads.Kubernetes;

namespace Platform.Workloads.Tests.Kubernetes;

/// <summary>A revision's workload status from a Deployment and its Service's EndpointSlices, as Kubernetes reports them.</summary>
public sealed class DeploymentStatusReaderTests
{
    private static readonly RevisionKey Revision = new("default", "hello-00001");

    public static TheoryData<string, string?, string[], int, int, int, string[], string?> Rows => new()
    {
        // label, deployment, slices, desired, actual, ready, endpoints, failure
        { "no deployment yet", null, [], 0, 0, 0, [], null },
        { "created, nothing reported", """{"spec":{"replicas":1}}""", [], 1, 0, 0, [], null },
        { "ready, slice with two pods (one not ready)", """{"spec":{"replicas":2},"status":{"replicas":2,"readyReplicas":1}}""",
            ["""{"metadata":{"name":"s1"},"ports":[{"port":8080}],"endpoints":[{"addresses":["10.0.0.5"],"conditions":{"ready":true},"targetRef":{"name":"pod-a"}},{"addresses":["10.0.0.6"],"conditions":{"ready":false}}]}"""],
            2, 2, 1, ["pod-a@10.0.0.5:8080"], null },
        { "ready without a slice: the Service's address", """{"spec":{"replicas":1},"status":{"replicas":1,"readyReplicas":1}}""", [], 1, 1, 1,
            ["hello-00001@hello-00001.default.svc.cluster.local:80"], null },
        { "IPv6 address", """{"spec":{"replicas":1},"status":{"replicas":1,"readyReplicas":1}}""",
            ["""{"metadata":{"name":"s1"},"ports":[{"port":8080}],"endpoints":[{"addresses":["fd00::5"]}]}"""], 1, 1, 1, ["fd00::5@[fd00::5]:8080"], null },
        { "scaled to zero", """{"spec":{"replicas":0},"status":{}}""", [], 0, 0, 0, [], null },
        { "progress deadline", """{"spec":{"replicas":1},"status":{"replicas":1,"conditions":[{"type":"Progressing","status":"False","reason":"ProgressDeadlineExceeded","message":"ReplicaSet has timed out progressing."}]}}""",
            [], 1, 1, 0, [], "ProgressDeadlineExceeded: ReplicaSet has timed out progressing." },
        { "replica failure (quota)", """{"spec":{"replicas":1},"status":{"conditions":[{"type":"ReplicaFailure","status":"True","reason":"FailedCreate","message":"exceeded quota"}]}}""",
            [], 1, 0, 0, [], "ReplicaFailure: FailedCreate: exceeded quota" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Reads_what_Kubernetes_reports(string label, string? deployment, string[] slices, int desired, int actual, int ready, string[] endpoints, string? failure)
    {
        var status = DeploymentStatusReader.Read(Revision, deployment is null ? null : JsonNode.Parse(deployment)!.AsObject(),
            slices.Select(s => JsonNode.Parse(s)!.AsObject()), 80, null, 7);
        Assert.True(desired == status.Desired, $"{label}: desired {status.Desired}");
        Assert.True(actual == status.Actual, $"{label}: actual {status.Actual}");
        Assert.True(ready == status.Ready, $"{label}: ready {status.Ready}");
        Assert.Equal(endpoints, status.Endpoints.Select(e => $"{e.Replica}@{e.Authority}"));
        Assert.Equal(failure, status.Failure is { } f ? $"{f.Reason}: {f.Message}" : null);
    }

    [Fact]
    public void A_failure_of_the_backend_wins_over_the_Deployments()
    {
        var own = new WorkloadFailure(WorkloadFailureReasons.KedaNotInstalled, "no KEDA", []);
        var status = DeploymentStatusReader.Read(Revision, null, [], 80, own, 1);
        Assert.Same(own, status.Failure);
        Assert.Equal("ResourcesAvailable", own.ConditionType);
    }
}
