using Platform.Resources.Meta;
using Platform.Resources.Serving;
using Platform.ServingController.Reconcilers.Route.Builders;
using static Platform.ServingController.Tests.Reconcilers.Fixtures;

namespace Platform.ServingController.Tests.Reconcilers;

public sealed class RouteBuilderTests
{
    private static readonly RouteDomainOptions Local = new();

    private static readonly Dictionary<string, RevisionFacts> Revisions = new()
    {
        ["hello-00001"] = new("hello-00001", "True"),
        ["hello-00002"] = new("hello-00002", "True"),
        ["hello-00003"] = new("hello-00003", "Unknown"),
        ["hello-00004"] = new("hello-00004", "False"),
    };

    private static Dictionary<string, ConfigurationFacts> Configs(string? latestReady, string ready = "True") => new()
    {
        ["hello"] = new("hello", latestReady, ready),
    };

    private static TrafficTarget Latest(long pct = 100, string? tag = null) => new() { ConfigurationName = "hello", LatestRevision = true, Percent = pct, Tag = tag };
    private static TrafficTarget Pinned(string rev, long pct, string? tag = null) => new() { RevisionName = rev, LatestRevision = false, Percent = pct, Tag = tag };

    // label | traffic | configuration's latest ready | want (resolved "rev:pct:tag:url" or "problem status/reason")
    public static TheoryData<string, TrafficTarget[], string?, string> Rows => new()
    {
        { "latest ready", [Latest()], "hello-00002", "hello-00002:100::" },
        { "no ready revision yet", [Latest()], null, "Unknown/RevisionMissing" },
        { "split 50/50 with a tag", [Pinned("hello-00001", 50), Pinned("hello-00002", 50, "candidate")], "hello-00002",
            "hello-00001:50::|hello-00002:50:candidate:http://candidate-hello.default.localhost:8080" },
        { "missing revision", [Pinned("hello-00009", 100)], "hello-00002", "False/RevisionMissing" },
        { "revision not ready yet", [Pinned("hello-00003", 100)], "hello-00002", "Unknown/RevisionMissing" },
        { "failed revision", [Pinned("hello-00004", 100)], "hello-00002", "False/RevisionMissing" },
        { "tag on latest at 0%", [Pinned("hello-00001", 100), Latest(0, "next")], "hello-00002",
            "hello-00001:100::|hello-00002:0:next:http://next-hello.default.localhost:8080" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Traffic_resolves_to_revisions(string label, TrafficTarget[] traffic, string? latestReady, string want)
    {
        var resolved = TrafficResolver.Resolve(Route(traffic: traffic), Revisions, Configs(latestReady), Local);
        var got = resolved.Problem is { } p ? $"{p.Status}/{p.Reason}"
            : string.Join("|", resolved.Traffic!.Select(t => $"{t.RevisionName}:{t.Percent}:{t.Tag}:{t.Url}"));
        Assert.True(want == got, $"{label}: want {want}, got {got}");
    }

    [Fact]
    public void Missing_configuration_is_named()
    {
        var resolved = TrafficResolver.Resolve(Route(traffic: [new TrafficTarget { ConfigurationName = "other", LatestRevision = true, Percent = 100 }]), Revisions, Configs("hello-00001"), Local);
        Assert.Equal("ConfigurationMissing", resolved.Problem!.Reason);
        Assert.Contains("\"other\"", resolved.Problem.Message);
    }

    [Theory]
    [InlineData("localhost", 8080, "http://hello.default.localhost:8080")]
    [InlineData("example.com", 80, "http://hello.default.example.com")]
    [InlineData("example.com", 0, "http://hello.default.example.com")]
    public void Url_uses_the_configured_domain_and_port(string domain, int port, string want)
    {
        Assert.Equal(want, TrafficResolver.Url(Route(), new RouteDomainOptions { Domain = domain, Port = port }));
        Assert.Equal("http://hello.default.svc.cluster.local", TrafficResolver.Address(Route()));
    }

    [Theory]
    [InlineData("assigned and programmed", true, true, "True", null)]
    [InlineData("assigned, activator unreachable", true, false, "Unknown", "IngressNotConfigured")]
    [InlineData("not assigned", false, false, "False", "RevisionMissing")]
    public void Route_status_conditions(string label, bool assigned, bool programmed, string want, string? wantReason)
    {
        var resolved = assigned
            ? new ResolvedTraffic([new TrafficTarget { RevisionName = "hello-00001", Percent = 100, LatestRevision = true }], null)
            : new ResolvedTraffic(null, new TrafficProblem("False", "RevisionMissing", "Revision \"x\" referenced in traffic not found."));
        var previous = new RouteStatus { Traffic = [new TrafficTarget { RevisionName = "hello-00000", Percent = 100 }] };
        var status = RouteStatusBuilder.Build(Route(), resolved, programmed, programmed ? null : "activator down", previous, Local, Now);
        var ready = status.GetCondition(ConditionTypes.Ready)!;
        Assert.True(want == ready.Status && wantReason == ready.Reason, $"{label}: want {want}/{wantReason}, got {ready.Status}/{ready.Reason}");
        Assert.Equal("http://hello.default.localhost:8080", status.Url);
        Assert.Equal("http://hello.default.svc.cluster.local", status.Address!.Url);
        Assert.Equal("TLSNotEnabled", status.GetCondition(ConditionTypes.CertificateProvisioned)!.Reason);
        // Traffic that cannot be assigned keeps the previous traffic, so requests keep flowing.
        Assert.Equal(assigned ? "hello-00001" : "hello-00000", status.Traffic![0].RevisionName);
    }

    [Fact]
    public void Activator_table_lists_routed_revisions_with_endpoints_and_skips_unassigned_routes()
    {
        var hello = Route();
        hello.Status = new RouteStatus { Traffic = [Pinned("hello-00001", 50), Pinned("hello-00002", 50, "candidate")] };
        var pending = Route("pending");
        var dangling = Route("dangling");
        dangling.Status = new RouteStatus { Traffic = [Pinned("gone-00001", 100)] };
        dangling.Metadata.Labels = new() { ["networking.knative.dev/visibility"] = "cluster-local" };
        var r1 = Revision("hello-00001");
        var r2 = Revision("hello-00002");
        r2.Spec.ContainerConcurrency = 5;
        r2.Spec.TimeoutSeconds = 30;
        r2.Spec.ResponseStartTimeoutSeconds = 10;
        r2.Spec.IdleTimeoutSeconds = 0;
        r1.Spec.IdleTimeoutSeconds = 20;
        var revisions = new Dictionary<(string, string), Platform.Resources.Serving.Revision> { [("default", "hello-00001")] = r1, [("default", "hello-00002")] = r2 };
        var table = RouteTableBuilder.Build([pending, dangling, hello], revisions,
            (ns, name) => name == "hello-00001" ? new() { Endpoints = ["127.0.0.1:41000"], Mode = "Serve" } : new() { Endpoints = [], Failure = "ExitCode3: exited", Mode = "Proxy" });
        var service = Assert.Single(table.Services!);
        Assert.Equal(("default", "hello", null), (service.Namespace, service.Name, service.Visibility));
        Assert.Equal("hello-00001:50:|hello-00002:50:candidate", string.Join("|", service.Traffic!.Select(t => $"{t.RevisionName}:{t.Percent}:{t.Tag}")));
        Assert.Equal(2, table.Revisions!.Count);
        Assert.Equal(["127.0.0.1:41000"], table.Revisions[0].Endpoints);
        Assert.Equal((null, "ExitCode3: exited"), (table.Revisions[0].Failure, table.Revisions[1].Failure));
        Assert.Equal(("Serve", "Proxy"), (table.Revisions[0].Mode, table.Revisions[1].Mode));
        Assert.Equal((5, (int?)30, (int?)10, (int?)null), (table.Revisions[1].ContainerConcurrency, table.Revisions[1].TimeoutSeconds,
            table.Revisions[1].ResponseStartTimeoutSeconds, table.Revisions[1].IdleTimeoutSeconds));
        Assert.Equal((int?)20, table.Revisions[0].IdleTimeoutSeconds);
    }
}
