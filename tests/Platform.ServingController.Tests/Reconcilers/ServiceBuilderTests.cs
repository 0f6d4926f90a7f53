using Platform.Resources.Meta;
using Platform.Resources.Serving;
using Platform.ServingController.Reconcilers.Service.Builders;
using static Platform.ServingController.Tests.Reconcilers.Fixtures;

namespace Platform.ServingController.Tests.Reconcilers;

public sealed class ServiceBuilderTests
{
    [Fact]
    public void Configuration_is_named_labelled_and_owned_like_the_service()
    {
        var service = Service();
        service.Metadata.Annotations = new() { ["kubectl.kubernetes.io/last-applied-configuration"] = "{}", ["team"] = "a" };
        var config = ServiceChildren.MakeConfiguration(service);
        Assert.Equal("hello", config.Metadata.Name);
        Assert.Equal("default", config.Metadata.Namespace);
        Assert.Equal("hello", config.Metadata.Labels!["serving.knative.dev/service"]);
        Assert.Equal(new[] { "team" }, config.Metadata.Annotations!.Keys);
        var owner = Assert.Single(config.Metadata.OwnerReferences!);
        Assert.Equal(("Service", "hello", "uid-svc", true), (owner.Kind, owner.Name, owner.Uid, owner.Controller));
        Assert.Equal("World", config.Spec.Template!.Spec!.Containers![0].Env![0].Value);
        // A copy: changing the service afterwards does not change the built child.
        service.Spec.Template!.Spec!.Containers![0].Env![0].Value = "Changed";
        Assert.Equal("World", config.Spec.Template!.Spec!.Containers![0].Env![0].Value);
    }

    public static TheoryData<string, TrafficTarget[], string> RouteTraffic => new()
    {
        { "default: latest revision follows the configuration", [new() { LatestRevision = true, Percent = 100 }], "cfg=hello latest=True pct=100 tag=" },
        { "pinned revision stays pinned", [new() { RevisionName = "hello-00001", LatestRevision = false, Percent = 100 }], "rev=hello-00001 latest=False pct=100 tag=" },
        {
            "split with a tag",
            [new() { RevisionName = "hello-00001", LatestRevision = false, Percent = 50 }, new() { RevisionName = "hello-00002", LatestRevision = false, Percent = 50, Tag = "candidate" }],
            "rev=hello-00001 latest=False pct=50 tag=|rev=hello-00002 latest=False pct=50 tag=candidate"
        },
        { "tagged latest at 0%", [new() { LatestRevision = true, Percent = 100 }, new() { LatestRevision = true, Percent = 0, Tag = "latest" }], "cfg=hello latest=True pct=100 tag=|cfg=hello latest=True pct=0 tag=latest" },
    };

    [Theory]
    [MemberData(nameof(RouteTraffic))]
    public void Route_traffic_points_latest_targets_at_the_services_configuration(string label, TrafficTarget[] traffic, string want)
    {
        var route = ServiceChildren.MakeRoute(Service(traffic: [.. traffic]));
        var got = string.Join("|", route.Spec.Traffic!.Select(t =>
            (t.RevisionName is null ? $"cfg={t.ConfigurationName}" : $"rev={t.RevisionName}") + $" latest={t.LatestRevision} pct={t.Percent} tag={t.Tag}"));
        Assert.True(want == got, $"{label}: want {want}, got {got}");
        Assert.Equal("hello", route.Metadata.Labels!["serving.knative.dev/service"]);
    }

    [Fact]
    public void Cluster_local_visibility_moves_to_the_route()
    {
        var service = Service();
        service.Metadata.Labels = new() { ["networking.knative.dev/visibility"] = "cluster-local" };
        Assert.Equal("cluster-local", ServiceChildren.MakeRoute(service).Metadata.Labels!["networking.knative.dev/visibility"]);
        Assert.False(ServiceChildren.MakeConfiguration(service).Metadata.Labels!.ContainsKey("networking.knative.dev/visibility"));
    }

    [Fact]
    public void Same_child_needs_no_update_and_a_changed_template_does()
    {
        var service = Service();
        var existing = ServiceChildren.MakeConfiguration(service);
        existing.Metadata.Labels!["extra"] = "kept";
        Assert.False(ServiceChildren.NeedsUpdate(existing, ServiceChildren.MakeConfiguration(service), existing.Spec, ServiceChildren.MakeConfiguration(service).Spec));
        service.Spec.Template!.Spec!.Containers![0].Env![0].Value = "Knative";
        var desired = ServiceChildren.MakeConfiguration(service);
        Assert.True(ServiceChildren.NeedsUpdate(existing, desired, existing.Spec, desired.Spec));
    }

    // label | configuration (ready, observed-lag) | route (ready, lags traffic) | want Ready / reason
    public static TheoryData<string, string?, bool, string?, bool, string, string?> StatusRows => new()
    {
        { "both ready", "True", false, "True", false, "True", null },
        { "configuration not created", null, false, "True", false, "Unknown", "OutOfDate" },
        { "configuration failed wins", "False", false, "Unknown", false, "False", "Reason" },
        { "route failed", "True", false, "False", false, "False", "RevisionMissing" },
        { "configuration out of date", "True", true, "True", false, "Unknown", "OutOfDate" },
        { "traffic not migrated to latest ready", "True", false, "True", true, "Unknown", "TrafficNotMigrated" },
        { "route not created", "True", false, null, false, "Unknown", "OutOfDate" },
    };

    [Theory]
    [MemberData(nameof(StatusRows))]
    public void Service_status_propagates_its_children(string label, string? configReady, bool configLags, string? routeReady, bool trafficLags, string want, string? wantReason)
    {
        var service = Service();
        var config = configReady is null ? null : Configuration(latestCreated: "hello-00002", latestReady: "hello-00002", ready: configReady, generation: configLags ? 2 : 1, observed: 1);
        var route = routeReady is null ? null : RouteWithStatus(routeReady, 1,
            new TrafficTarget { RevisionName = trafficLags ? "hello-00001" : "hello-00002", LatestRevision = true, Percent = 100 });
        var status = ServiceStatusBuilder.Build(service, config, route, null, Now);
        var ready = status.GetCondition(ConditionTypes.Ready)!;
        Assert.True(want == ready.Status && wantReason == ready.Reason, $"{label}: want {want}/{wantReason}, got {ready.Status}/{ready.Reason}");
        if (route is not null) Assert.Equal("http://hello.default.localhost:8080", status.Url);
        if (config is not null) Assert.Equal("hello-00002", status.LatestReadyRevisionName);
    }

    [Fact]
    public void A_child_owned_by_someone_else_fails_the_service()
    {
        var status = ServiceStatusBuilder.Build(Service(), null, null, null, Now, "There is an existing Configuration \"hello\" that we do not own.");
        Assert.Equal(("False", "NotOwned"), (status.GetCondition("Ready")!.Status, status.GetCondition("Ready")!.Reason));
    }
}
