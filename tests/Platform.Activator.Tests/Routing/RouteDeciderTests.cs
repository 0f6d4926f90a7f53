using System.Net;
using Platform.Activator.Routing;
using Platform.Serving.Contracts.Routing;

namespace Platform.Activator.Tests.Routing;

public class RouteDeciderTests
{
    private static readonly RouteTable Table = new()
    {
        Services =
        [
            new ServiceRoute
            {
                Namespace = "default", Name = "hello",
                Traffic = [new RouteTarget { RevisionName = "hello-00001", Percent = 100, Tag = "current" },
                           new RouteTarget { RevisionName = "hello-00002", Percent = 0, Tag = "candidate" }],
            },
            new ServiceRoute
            {
                Namespace = "prod", Name = "api-v2", Visibility = "cluster-local",
                Traffic = [new RouteTarget { RevisionName = "api-v2-00001", Percent = 100 }],
            },
            // A service whose name looks like a tag host of "hello": the service's own host wins.
            new ServiceRoute
            {
                Namespace = "default", Name = "current-hello",
                Traffic = [new RouteTarget { RevisionName = "current-hello-00001", Percent = 100 }],
            },
        ],
        Revisions =
        [
            new RevisionRoute { Namespace = "default", Name = "hello-00001" },
            new RevisionRoute { Namespace = "default", Name = "hello-00002" },
            new RevisionRoute { Namespace = "prod", Name = "api-v2-00001" },
            new RevisionRoute { Namespace = "default", Name = "current-hello-00001" },
        ],
        Domains =
        [
            new DomainRoute { Host = "hello.example.com", Namespace = "default", Service = "hello" },
            new DomainRoute { Host = "api.example.com", Namespace = "prod", Service = "api-v2" },
            new DomainRoute { Host = "events.example.com", Namespace = "default", Url = "http://127.0.0.1:5300/default/default" },
        ],
    };

    private static readonly RoutingSnapshot Snapshot = RoutingSnapshot.Build(Table, "localhost", 1);
    private static readonly RouteDecider Decider = new(new ActivatorHostNames(["activator"]), new LocalNetworks(["127.0.0.0/8", "::1/128"]));

    [Theory]
    [InlineData("service host", "hello.default.localhost", null, "127.0.0.1", nameof(RouteOutcome.Forward), "hello-00001")]
    [InlineData("upper case host", "HELLO.Default.LOCALHOST", null, "127.0.0.1", nameof(RouteOutcome.Forward), "hello-00001")]
    [InlineData("trailing dot", "hello.default.localhost.", null, "127.0.0.1", nameof(RouteOutcome.Forward), "hello-00001")]
    [InlineData("tag host", "candidate-hello.default.localhost", null, "127.0.0.1", nameof(RouteOutcome.Forward), "hello-00002")]
    [InlineData("tag host beats header", "candidate-hello.default.localhost", "current", "127.0.0.1", nameof(RouteOutcome.Forward), "hello-00002")]
    [InlineData("tag header", "hello.default.localhost", "candidate", "127.0.0.1", nameof(RouteOutcome.Forward), "hello-00002")]
    [InlineData("unknown tag header falls back to split", "hello.default.localhost", "nope", "127.0.0.1", nameof(RouteOutcome.Forward), "hello-00001")]
    [InlineData("service named like a tag host", "current-hello.default.localhost", null, "127.0.0.1", nameof(RouteOutcome.Forward), "current-hello-00001")]
    [InlineData("cluster address from loopback", "hello.default.svc.cluster.local", null, "127.0.0.1", nameof(RouteOutcome.Forward), "hello-00001")]
    [InlineData("short cluster address", "hello.default.svc", null, "::1", nameof(RouteOutcome.Forward), "hello-00001")]
    [InlineData("cluster address from outside", "hello.default.svc.cluster.local", null, "10.1.2.3", nameof(RouteOutcome.LocalOnly), null)]
    [InlineData("public host from outside", "hello.default.localhost", null, "10.1.2.3", nameof(RouteOutcome.Forward), "hello-00001")]
    [InlineData("cluster-local service from outside", "api-v2.prod.localhost", null, "10.1.2.3", nameof(RouteOutcome.LocalOnly), null)]
    [InlineData("cluster-local service, mapped IPv4 loopback", "api-v2.prod.localhost", null, "::ffff:127.0.0.1", nameof(RouteOutcome.Forward), "api-v2-00001")]
    [InlineData("cluster-local service by address", "api-v2.prod.svc.cluster.local", null, "127.0.0.9", nameof(RouteOutcome.Forward), "api-v2-00001")]
    [InlineData("cluster-local service, unknown caller", "api-v2.prod.localhost", null, null, nameof(RouteOutcome.LocalOnly), null)]
    [InlineData("wrong domain", "hello.default.example.com", null, "127.0.0.1", nameof(RouteOutcome.UnknownHost), null)]
    [InlineData("custom domain", "hello.example.com", null, "10.1.2.3", nameof(RouteOutcome.Forward), "hello-00001")]
    [InlineData("custom domain with a tag header", "hello.example.com", "candidate", "10.1.2.3", nameof(RouteOutcome.Forward), "hello-00002")]
    [InlineData("custom domain of a cluster-local service is public", "api.example.com", null, "10.1.2.3", nameof(RouteOutcome.Forward), "api-v2-00001")]
    [InlineData("custom domain to an addressable", "events.example.com", null, "10.1.2.3", nameof(RouteOutcome.ForwardToAddress), null)]
    [InlineData("wrong namespace", "hello.other.localhost", null, "127.0.0.1", nameof(RouteOutcome.UnknownHost), null)]
    [InlineData("unknown tag host", "nope-hello.default.localhost", null, "127.0.0.1", nameof(RouteOutcome.UnknownHost), null)]
    [InlineData("too many labels", "x.hello.default.localhost", null, "127.0.0.1", nameof(RouteOutcome.UnknownHost), null)]
    [InlineData("IPv4 literal is the activator", "127.0.0.1", null, "127.0.0.1", nameof(RouteOutcome.Activator), null)]
    [InlineData("IPv6 literal is the activator", "[::1]", null, "::1", nameof(RouteOutcome.Activator), null)]
    [InlineData("localhost is the activator", "localhost", null, "127.0.0.1", nameof(RouteOutcome.Activator), null)]
    [InlineData("configured name is the activator", "activator", null, "10.0.0.1", nameof(RouteOutcome.Activator), null)]
    [InlineData("empty host is the activator", "", null, "127.0.0.1", nameof(RouteOutcome.Activator), null)]
    public void Decide(string label, string host, string? tagHeader, string? remote, string want, string? wantRevision)
    {
        var got = Decider.Decide(Snapshot, host, tagHeader, remote is null ? null : IPAddress.Parse(remote), roll: 42);
        Assert.True(want == got.Outcome.ToString() && wantRevision == got.Revision,
            $"{label}: want {want} {wantRevision}, got {got.Outcome} {got.Revision}");
    }

    [Fact]
    public void Other_domain_is_configurable()
    {
        var snapshot = RoutingSnapshot.Build(Table, "example.com", 1);
        Assert.Equal(RouteOutcome.Forward, Decider.Decide(snapshot, "hello.default.example.com", null, IPAddress.Loopback, 0).Outcome);
        Assert.Equal(RouteOutcome.UnknownHost, Decider.Decide(snapshot, "hello.default.localhost", null, IPAddress.Loopback, 0).Outcome);
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.200.1.1", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("127.0.0.2/32", "127.0.0.1", false)]
    [InlineData("127.0.0.2/32", "127.0.0.2", true)]
    [InlineData("fd00::/8", "fd12::1", true)]
    public void Local_networks(string cidr, string address, bool want)
    {
        Assert.Equal(want, new LocalNetworks([cidr]).Contains(IPAddress.Parse(address)));
    }

    [Fact]
    public void A_bad_local_network_names_its_entry()
    {
        var e = Assert.Throws<ArgumentException>(() => new LocalNetworks(["127.0.0.0/8", "nonsense"]));
        Assert.Contains("LocalNetworks[1]", e.Message);
    }
}
