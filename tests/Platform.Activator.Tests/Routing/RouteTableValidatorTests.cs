using Platform.Activator.Routing;
using Platform.Serving.Contracts.Routing;

namespace Platform.Activator.Tests.Routing;

public class RouteTableValidatorTests
{
    private static RouteTable Valid() => new()
    {
        Services = [new ServiceRoute
        {
            Namespace = "default", Name = "hello",
            Traffic = [new RouteTarget { RevisionName = "hello-00001", Percent = 60 },
                       new RouteTarget { RevisionName = "hello-00002", Percent = 40, Tag = "candidate" }],
        }],
        Revisions =
        [
            new RevisionRoute { Namespace = "default", Name = "hello-00001", ContainerConcurrency = 0, Endpoints = ["127.0.0.1:8081"] },
            new RevisionRoute { Namespace = "default", Name = "hello-00002", ContainerConcurrency = 10, TimeoutSeconds = 30, Endpoints = [] },
        ],
    };

    private static RouteTable WithTarget(int i, RouteTarget t)
    {
        var v = Valid();
        var traffic = v.Services![0].Traffic!.ToArray();
        traffic[i] = t;
        return v with { Services = [v.Services[0] with { Traffic = traffic }] };
    }

    private static RouteTable WithRevision(int i, RevisionRoute r)
    {
        var v = Valid();
        var revisions = v.Revisions!.ToArray();
        revisions[i] = r;
        return v with { Revisions = revisions };
    }

    public static TheoryData<string, RouteTable, string[]> Cases => new()
    {
        { "valid", Valid(), [] },
        { "empty table", RouteTable.Empty, [] },
        { "percent out of range", WithTarget(1, new RouteTarget { RevisionName = "hello-00002", Percent = 140 }),
            ["services[0].traffic[1].percent: must be 0..100, got 140", "services[0].traffic: percents must sum to 100, got 60"] },
        { "sum below 100", WithTarget(1, new RouteTarget { RevisionName = "hello-00002", Percent = 30 }),
            ["services[0].traffic: percents must sum to 100, got 90"] },
        { "missing revision", WithTarget(1, new RouteTarget { RevisionName = "hello-00009", Percent = 40 }),
            ["services[0].traffic[1].revisionName: revision default/hello-00009 is not in revisions[]"] },
        { "no revision name", WithTarget(0, new RouteTarget { Percent = 60 }), ["services[0].traffic[0].revisionName: required"] },
        { "bad tag", WithTarget(1, new RouteTarget { RevisionName = "hello-00002", Percent = 40, Tag = "Bad_Tag" }),
            ["services[0].traffic[1].tag: must be a DNS label (a-z, 0-9, '-', at most 63), got \"Bad_Tag\""] },
        { "duplicate tag", WithTarget(0, new RouteTarget { RevisionName = "hello-00001", Percent = 60, Tag = "candidate" }),
            ["services[0].traffic[1].tag: duplicate tag \"candidate\""] },
        { "CC too high", WithRevision(0, new RevisionRoute { Namespace = "default", Name = "hello-00001", ContainerConcurrency = 1001 }),
            ["revisions[0].containerConcurrency: must be 0..1000, got 1001"] },
        { "timeout too long", WithRevision(0, new RevisionRoute { Namespace = "default", Name = "hello-00001", TimeoutSeconds = 601 }),
            ["revisions[0].timeoutSeconds: must be 1..600, got 601"] },
        { "domains", Valid() with { Domains =
            [
                new DomainRoute { Host = "hello.example.com", Namespace = "default", Service = "hello" },
                new DomainRoute { Host = "events.example.com", Namespace = "default", Url = "http://127.0.0.1:5300/default/default" },
            ] }, [] },
        { "bad domains", Valid() with { Domains =
            [
                new DomainRoute { Host = "Bad_Host", Namespace = "default", Service = "hello" },
                new DomainRoute { Host = "a.example.com", Namespace = "default" },
                new DomainRoute { Host = "b.example.com", Namespace = "default", Service = "hello", Url = "http://x" },
                new DomainRoute { Host = "c.example.com", Namespace = "default", Service = "gone" },
                new DomainRoute { Host = "d.example.com", Namespace = "default", Url = "ftp://x/y" },
                new DomainRoute { Host = "d.example.com", Namespace = "default", Url = "http://x/y" },
            ] },
            ["domains[0].host: must be a DNS name (labels a-z, 0-9, '-'), got \"Bad_Host\"",
             "domains[1]: set exactly one of service and url",
             "domains[2]: set exactly one of service and url",
             "domains[3].service: service default/gone is not in services[]",
             "domains[4].url: must be an absolute http or https URL, got \"ftp://x/y\"",
             "domains[5].host: duplicate host \"d.example.com\""] },
        { "response start and idle out of range", WithRevision(0, new RevisionRoute { Namespace = "default", Name = "hello-00001", ResponseStartTimeoutSeconds = 0, IdleTimeoutSeconds = 700 }),
            ["revisions[0].responseStartTimeoutSeconds: must be 1..600, got 0", "revisions[0].idleTimeoutSeconds: must be 1..600, got 700"] },
        { "bad endpoints", WithRevision(0, new RevisionRoute { Namespace = "default", Name = "hello-00001", Endpoints = ["127.0.0.1", "x:0", "::1:80", "[::1]:80", "h:80", "h:80"] }),
            ["revisions[0].endpoints[0]: must be host:port with port 1..65535, got \"127.0.0.1\"",
             "revisions[0].endpoints[1]: must be host:port with port 1..65535, got \"x:0\"",
             "revisions[0].endpoints[2]: must be host:port with port 1..65535, got \"::1:80\"",
             "revisions[0].endpoints[5]: duplicate endpoint \"h:80\""] },
        { "no name", new RouteTable { Services = [new ServiceRoute { Namespace = "default", Traffic = [] }], Revisions = [] },
            ["services[0].name: required", "services[0].traffic: must name at least one target"] },
        { "bad visibility", Valid() with { Services = [Valid().Services![0] with { Visibility = "private" }] },
            ["services[0].visibility: must be \"cluster-local\" or empty, got \"private\""] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate_reports_every_error_with_its_path(string label, RouteTable table, string[] want)
    {
        var got = RouteTableValidator.Validate(table);
        Assert.True(want.SequenceEqual(got), $"{label}:\n want: {string.Join(" | ", want)}\n  got: {string.Join(" | ", got)}");
    }
}
