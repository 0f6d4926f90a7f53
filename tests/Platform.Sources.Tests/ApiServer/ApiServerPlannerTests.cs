using Platform.ControlPlane.Kinds;
using Platform.Eventing.Addressing;
using Platform.Resources.Sources;
using Platform.Sources.ApiServer;

namespace Platform.Sources.Tests.ApiServer;

public class ApiServerPlannerTests
{
    private static ApiServerSource Source(string mode = "Reference")
    {
        var source = new ApiServerSource();
        source.Metadata.Name = "watch";
        source.Metadata.Namespace = "team-a";
        source.Spec.Mode = mode;
        source.Spec.Resources = [new ApiServerResource { ApiVersion = "serving.knative.dev/v1", Kind = "Service" }];
        return source;
    }

    // label, sink resolves, kind resolves, missing permissions, watching, want Ready, want reason, runs
    [Theory]
    [InlineData("all good", true, true, "", true, "True", null, true)]
    [InlineData("watches still listing", true, true, "", false, "Unknown", "WatchStarting", true)]
    [InlineData("sink missing", false, true, "", true, "False", "NotFound", false)]
    [InlineData("kind missing", true, false, "", true, "False", "ResourceNotFound", false)]
    [InlineData("RBAC missing", true, true, "User system:serviceaccount:team-a:default cannot get resource \"services\"", true, "False", "InsufficientPermissions", false)]
    [InlineData("access check not answered", true, true, null, true, "Unknown", "Checking", false)]
    public void Status_and_job(string label, bool sink, bool kind, string? missing, bool watching, string ready, string? reason, bool runs)
    {
        var inputs = new ApiServerPlanner.Inputs(
            sink ? Resolution.Ok(new Uri("http://sink/")) : Resolution.Fail("Broker team-a/b (eventing.knative.dev) not found"),
            [kind ? (ResourceKinds.Service, null) : (null, "kind Service of x/v1 is not served by the control plane")],
            missing, ["team-a"], "http://127.0.0.1:5100", null, null, watching);
        var (status, job) = ApiServerPlanner.Plan(Source(), "uid", inputs, DateTimeOffset.UnixEpoch);
        Assert.True(ready == status.GetCondition("Ready")!.Status, label);
        Assert.Equal(reason, status.GetCondition("Ready")!.Reason);
        Assert.Equal(runs, job is not null);
        Assert.Equal(["team-a"], status.Namespaces);
        if (missing is { Length: > 0 }) Assert.Equal(missing, status.GetCondition("SufficientPermissions")!.Message);
    }

    [Theory]
    [InlineData("Reference", "dev.knative.apiserver.ref.add,dev.knative.apiserver.ref.update,dev.knative.apiserver.ref.delete")]
    [InlineData("Resource", "dev.knative.apiserver.resource.add,dev.knative.apiserver.resource.update,dev.knative.apiserver.resource.delete")]
    public void Attributes_name_the_modes_event_types(string mode, string types)
    {
        var inputs = new ApiServerPlanner.Inputs(Resolution.Ok(new Uri("http://sink/")), [(ResourceKinds.Service, null)], "", ["team-a"], "http://127.0.0.1:5100", null, null, true);
        var (status, job) = ApiServerPlanner.Plan(Source(mode), "uid", inputs, DateTimeOffset.UnixEpoch);
        Assert.Equal(types, string.Join(',', status.CeAttributes!.Select(a => a.Type)));
        Assert.All(status.CeAttributes!, a => Assert.Equal("http://127.0.0.1:5100", a.Source));
        Assert.Equal(mode == "Reference", job!.Reference);
        Assert.Equal("team-a", job.Namespace);
    }
}
