using System.Text.Json.Nodes;
using Platform.Resources.Duck;
using Platform.Resources.Meta;
using Platform.Resources.Serving;
using Platform.Serving.Contracts.Routing;
using Platform.ServingController.Reconcilers.DomainMapping.Builders;
using Platform.ServingController.Reconcilers.Route.Builders;
using Platform.Testing;

namespace Platform.ServingController.Tests.Reconcilers;

public class DomainMappingBuilderTests
{
    private static DomainMapping Mapping(string name, string ns, string apiVersion, string kind, string target, DateTimeOffset? created = null)
    {
        var m = new DomainMapping { Spec = new DomainMappingSpec { Ref = new KReference { ApiVersion = apiVersion, Kind = kind, Name = target } } };
        m.Metadata.Name = name;
        m.Metadata.Namespace = ns;
        m.Metadata.Generation = 1;
        m.Metadata.CreationTimestamp = created ?? Fixtures.Now;
        return m;
    }

    private static readonly JsonObject Route = new() { ["kind"] = "Route" };
    private static readonly JsonObject Broker = new() { ["status"] = new JsonObject { ["address"] = new JsonObject { ["url"] = "http://127.0.0.1:5300/default/default" } } };
    private static readonly JsonObject BrokerWithoutAddress = new() { ["status"] = new JsonObject() };

    // label → mapping's ref (apiVersion, kind), the object found (null: none), want service, url, reason
    private static readonly Rows<string, string, JsonObject?, string?, string?, string?> Table = new()
    {
        { "knative service", "serving.knative.dev/v1", "Service", Route, "hello", null, null },
        { "route", "serving.knative.dev/v1", "Route", Route, "hello", null, null },
        { "service that does not exist", "serving.knative.dev/v1", "Service", null, null, null, "NotFound" },
        { "broker with an address", "eventing.knative.dev/v1", "Broker", Broker, null, "http://127.0.0.1:5300/default/default", null },
        { "broker without an address yet", "eventing.knative.dev/v1", "Broker", BrokerWithoutAddress, null, null, "NotAddressable" },
        { "a kind nobody serves", "example.com/v1", "Thing", null, null, null, "KindUnknown" },
    };

    public static TheoryData<string> Labels => Table.Labels;

    [Theory]
    [MemberData(nameof(Labels))]
    public void Resolve(string label)
    {
        var (apiVersion, kind, found, wantService, wantUrl, wantReason) = Table[label];
        var mapping = Mapping("hello.example.com", "default", apiVersion, kind, "hello");
        var got = DomainTarget.Resolve(mapping, DomainTarget.KindOf(mapping), found);
        Assert.Equal((wantService, wantUrl, wantReason), (got.Service, got.Url?.ToString(), got.Reason));
    }

    [Fact]
    public void The_oldest_mapping_claims_the_domain_then_the_first_namespace()
    {
        var early = Mapping("a.example.com", "team-b", "serving.knative.dev/v1", "Service", "x", Fixtures.Now.AddMinutes(-5));
        var late = Mapping("a.example.com", "team-a", "serving.knative.dev/v1", "Service", "x", Fixtures.Now);
        var sameTime = Mapping("a.example.com", "team-0", "serving.knative.dev/v1", "Service", "x", Fixtures.Now);
        Assert.Equal("team-b", DomainClaims.Owner([late, early, sameTime]));
        Assert.Equal("team-0", DomainClaims.Owner([late, sameTime]));
        early.Metadata.DeletionTimestamp = Fixtures.Now;
        Assert.Equal("team-0", DomainClaims.Owner([late, early, sameTime]));
    }

    [Theory]
    [InlineData("claimed, resolved, routed", true, true, true, "True", null)]
    [InlineData("claimed elsewhere", false, true, true, "False", "DomainAlreadyClaimed")]
    [InlineData("unresolved", true, false, false, "False", "NotFound")]
    [InlineData("waiting for the route", true, true, false, "Unknown", "IngressNotConfigured")]
    public void Status(string label, bool claimed, bool resolved, bool routed, string wantReady, string? wantReason)
    {
        var mapping = Mapping("hello.example.com", "default", "serving.knative.dev/v1", "Service", "hello");
        var target = resolved ? new DomainTarget("hello", null, null, null) : new DomainTarget(null, null, "NotFound", "Service default/hello does not exist");
        var status = DomainMappingStatusBuilder.Build(mapping, claimed, claimed ? "default" : "other", target, routed, null, null, Fixtures.Now);

        var ready = status.GetCondition(ConditionTypes.Ready)!;
        Assert.True((wantReady, wantReason) == (ready.Status, ready.Reason), $"{label}: got {ready.Status} {ready.Reason}: {ready.Message}");
        Assert.Equal(("http://hello.example.com", "http://hello.example.com"), (status.Url, status.Address!.Url));
        Assert.Equal(ConditionStatus.True, status.GetCondition(ConditionTypes.CertificateProvisioned)!.Status);
    }

    [Fact]
    public void The_route_table_keeps_domains_of_routed_services_and_of_addresses()
    {
        var hello = Fixtures.RouteWithStatus("True", 1, new TrafficTarget { RevisionName = "hello-00001", Percent = 100 });
        var revisions = new Dictionary<(string, string), Revision> { [("default", "hello-00001")] = Fixtures.Revision("hello-00001") };
        var table = RouteTableBuilder.Build([hello], revisions, (_, _) => new EndpointsUpdate { Endpoints = [] },
        [
            new DomainRoute { Host = "hello.example.com", Namespace = "default", Service = "hello" },
            new DomainRoute { Host = "pending.example.com", Namespace = "default", Service = "not-routed-yet" },
            new DomainRoute { Host = "events.example.com", Namespace = "default", Url = "http://127.0.0.1:5300/default/default" },
        ]);
        Assert.Equal(["hello.example.com", "events.example.com"], table.Domains!.Select(d => d.Host));
    }
}
