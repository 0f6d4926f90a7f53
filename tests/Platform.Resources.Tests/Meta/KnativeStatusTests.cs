using Platform.Resources.Meta;
using Platform.Resources.Serialization;
using Platform.Resources.Serving;

namespace Platform.Resources.Tests.Meta;

public class KnativeStatusTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Transition_time_moves_only_when_the_status_flips()
    {
        var status = new ServiceStatus();
        status.SetCondition(ConditionTypes.Ready, ConditionStatus.Unknown, T0, "Deploying");
        status.SetCondition(ConditionTypes.Ready, ConditionStatus.Unknown, T0.AddSeconds(5), "StillDeploying");
        Assert.Equal(T0, status.GetCondition(ConditionTypes.Ready)!.LastTransitionTime);
        Assert.Equal("StillDeploying", status.GetCondition(ConditionTypes.Ready)!.Reason);

        status.SetCondition(ConditionTypes.Ready, ConditionStatus.True, T0.AddSeconds(9));
        Assert.Equal(T0.AddSeconds(9), status.GetCondition(ConditionTypes.Ready)!.LastTransitionTime);
        Assert.True(status.IsReady());
        Assert.Null(status.GetCondition(ConditionTypes.Ready)!.Reason);
    }

    [Fact]
    public void Conditions_are_kept_sorted_by_type()
    {
        var status = new ServiceStatus();
        status.SetCondition(ConditionTypes.RoutesReady, ConditionStatus.True, T0);
        status.SetCondition(ConditionTypes.ConfigurationsReady, ConditionStatus.False, T0, "RevisionFailed", "image pull failed");
        status.SetCondition(ConditionTypes.Ready, ConditionStatus.False, T0);
        Assert.Equal(["ConfigurationsReady", "Ready", "RoutesReady"], status.Conditions!.Select(c => c.Type));
        Assert.False(status.IsReady());
    }

    [Fact]
    public void A_status_as_kubernetes_returns_it_round_trips()
    {
        const string yaml = """
            apiVersion: serving.knative.dev/v1
            kind: Service
            metadata:
              name: hello
              namespace: default
              uid: 7b1c6f0e-1111-2222-3333-444455556666
              resourceVersion: "12345"
              generation: 2
              creationTimestamp: "2026-11-25T10:00:00Z"
              selfLink: /apis/serving.knative.dev/v1/namespaces/default/services/hello
              managedFields:
                - manager: kubectl
                  operation: Apply
              ownerReferences:
                - apiVersion: v1
                  kind: Namespace
                  name: default
                  uid: abc
                  controller: true
                  blockOwnerDeletion: true
              finalizers: [keep]
            spec:
              template:
                spec:
                  containers:
                    - image: gcr.io/knative-samples/helloworld-go
            status:
              observedGeneration: 2
              url: http://hello.default.example.com
              address:
                url: http://hello.default.svc.cluster.local
              latestReadyRevisionName: hello-00002
              latestCreatedRevisionName: hello-00002
              traffic:
                - revisionName: hello-00002
                  latestRevision: true
                  percent: 100
              conditions:
                - type: Ready
                  status: "True"
                  lastTransitionTime: "2026-11-25T10:00:05Z"
                - type: RoutesReady
                  status: "False"
                  reason: IngressNotConfigured
                  message: Ingress has not yet been reconciled.
                  severity: Warning
            """;
        var serializer = ResourceSerializer.Default;
        var service = serializer.ReadOne<Service>(yaml);
        Assert.Equal("12345", service.Metadata.ResourceVersion);
        Assert.Equal(2, service.Metadata.Generation);
        Assert.True(service.Status!.IsReady());
        Assert.Equal("hello-00002", service.Status.LatestReadyRevisionName);
        Assert.Equal("Warning", service.Status.GetCondition("RoutesReady")!.Severity);
        Assert.True(service.Metadata.OwnerReferences![0].Controller);

        var again = serializer.ReadOne<Service>(serializer.ToYaml(service));
        Assert.Equal(serializer.ToJson(service), serializer.ToJson(again));
        Assert.Contains("status: \"True\"", serializer.ToYaml(service), StringComparison.Ordinal);
    }

    [Fact]
    public void A_merge_patched_tree_is_read_with_the_same_checks()
    {
        var serializer = ResourceSerializer.Default;
        var node = serializer.ToNode((Service)Manifest.Read("hello-world.yaml")[0]);
        node["spec"]!["template"]!["spec"]!["containerConcurrency"] = 5;
        var ok = serializer.ReadNode(node);
        Assert.True(ok.Success);
        Assert.Equal(5, ((Service)ok.Resources[0]).Spec.Template!.Spec!.ContainerConcurrency);

        node["spec"]!["bogus"] = true;
        Assert.Equal(["spec.bogus: unknown field"], serializer.ReadNode(node).Errors.Select(e => e.ToString()));
    }
}
