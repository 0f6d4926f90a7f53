using Platform.Eventing.Addressing;
using Platform.Resources.Duck;

namespace Platform.Broker.Tests.Reconciling;

public class AddressesTests
{
    private static readonly Addresses Addresses = new("http://127.0.0.1:5300/", "http://{name}.{namespace}.localhost:8080");
    private static readonly HashSet<(string, string, string)> Existing =
    [
        ("Broker", "default", "default"), ("Service", "default", "display"), ("InMemoryChannel", "other", "ch"),
        ("Sequence", "default", "seq"), ("Parallel", "default", "par"),
    ];

    private static bool Exists(string kind, string ns, string name) => Existing.Contains((kind, ns, name));

    // label, destination, expected URI or null, expected error fragment
    public static TheoryData<string, Destination?, string?, string?> Rows => new()
    {
        { "absolute uri", new Destination { Uri = "http://example.com/x" }, "http://example.com/x", null },
        { "relative uri alone is refused", new Destination { Uri = "/x" }, null, "absolute" },
        { "nothing set", new Destination(), null, "no destination" },
        { "null", null, null, "no destination" },
        { "Platform service", Ref("Service", "serving.knative.dev/v1", "display"), "http://display.default.localhost:8080/", null },
        { "missing service", Ref("Service", "serving.knative.dev/v1", "nope"), null, "Service default/nope" },
        { "broker", Ref("Broker", "eventing.knative.dev/v1", "default"), "http://127.0.0.1:5300/default/default", null },
        { "channel in another namespace", new Destination { Ref = new KReference { Kind = "InMemoryChannel", ApiVersion = "messaging.knative.dev/v1", Name = "ch", Namespace = "other" } }, "http://127.0.0.1:5300/channels/other/ch", null },
        { "sequence is its first channel", Ref("Sequence", "flows.knative.dev/v1", "seq"), "http://127.0.0.1:5300/channels/default/seq-kn-sequence-0", null },
        { "parallel is its ingress channel", Ref("Parallel", "flows.knative.dev/v1", "par"), "http://127.0.0.1:5300/channels/default/par-kn-parallel", null },
        { "unknown kind", Ref("Deployment", "apps/v1", "x"), null, "not addressable" },
        { "ref plus relative uri", new Destination { Ref = new KReference { Kind = "Service", ApiVersion = "serving.knative.dev/v1", Name = "display" }, Uri = "/events" }, "http://display.default.localhost:8080/events", null },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Destinations_resolve(string label, Destination? destination, string? expected, string? error)
    {
        var r = Addresses.Resolve(destination, "default", Exists);
        Assert.True(expected == r.Uri?.ToString(), $"{label}: got {r.Uri} / {r.Error}");
        if (error is not null) Assert.Contains(error, r.Error);
    }

    private static Destination Ref(string kind, string apiVersion, string name) =>
        new() { Ref = new KReference { Kind = kind, ApiVersion = apiVersion, Name = name } };

    private static readonly ProtectedDestinations Platform = new([
        ("the control-plane API", new Uri("http://127.0.0.1:5100/")),
        ("the broker's own Dapr sidecar", new Uri("http://127.0.0.1:3503")),
        ("a platform control port", new Uri("http://controlplane.internal:7000")),
    ], "Broker:AllowPlatformDestinations");

    [Theory]
    [InlineData("http://127.0.0.1:5100/apis/serving.knative.dev/v1/namespaces/default/services", "the control-plane API")]
    [InlineData("http://localhost:5100/x", "the control-plane API")]
    [InlineData("http://anything.localhost:5100/", "the control-plane API")]
    [InlineData("http://127.0.0.2:5100/", "the control-plane API")] // all of 127/8 is this machine
    [InlineData("http://127.1:5100/", "the control-plane API")] // short form, normalised by Uri
    [InlineData("http://[::1]:5100/", "the control-plane API")]
    [InlineData("http://[::ffff:127.0.0.1]:5100/", "the control-plane API")]
    [InlineData("http://0.0.0.0:5100/", "the control-plane API")]
    [InlineData("http://127.0.0.1:3503/v1.0/invoke/serving-controller/method/x", "the broker's own Dapr sidecar")]
    [InlineData("http://CONTROLPLANE.internal:7000/", "a platform control port")]
    [InlineData("http://127.0.0.1:5101/", null)] // another port
    [InlineData("http://example.com:5100/", null)] // another machine
    [InlineData("http://controlplane.internal:7001/", null)]
    [InlineData("http://127.0.0.1:7000/", null)] // 7000 is protected on that host only
    public void Destinations_at_the_platforms_control_ports_are_refused_naming_them(string uri, string? refusedAs)
    {
        var refusal = Platform.Refusal(new Uri(uri));
        if (refusedAs is null) Assert.Null(refusal);
        else
        {
            Assert.NotNull(refusal);
            Assert.Contains(refusedAs, refusal);
            Assert.Contains("Broker:AllowPlatformDestinations", refusal);
        }
    }

    [Fact]
    public void A_ref_or_uri_that_resolves_to_a_control_port_fails_resolution_with_the_reason()
    {
        var guarded = Addresses with { Protected = Platform };
        var direct = guarded.Resolve(new Destination { Uri = "http://localhost:5100/apis/serving.knative.dev/v1/namespaces/default/services" }, "default", Exists);
        Assert.Null(direct.Uri);
        Assert.Contains("the control-plane API", direct.Error);
        Assert.Equal(new Uri("http://example.com/x"), guarded.Resolve(new Destination { Uri = "http://example.com/x" }, "default", Exists).Uri);
        Assert.Equal(new Uri("http://127.0.0.1:5300/default/default"), guarded.Resolve(Ref("Broker", "eventing.knative.dev/v1", "default"), "default", Exists).Uri);
    }
}
