using Platform.Broker.Addressing;
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
}
