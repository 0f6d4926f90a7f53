using System.Text;
using System.Text.Json.Nodes;
using Platform.ControlPlane.Store;
using Platform.Sources.ApiServer;

namespace Platform.Sources.Tests.ApiServer;

public class ApiServerEventsTests
{
    private static JsonObject Service() => JsonNode.Parse("""
        {"apiVersion":"serving.knative.dev/v1","kind":"Service","metadata":{"name":"hello","namespace":"team-a","uid":"u1"},"spec":{"template":{}}}
        """)!.AsObject();

    // watch event, reference mode, want type
    [Theory]
    [InlineData(WatchEventType.Added, true, "dev.knative.apiserver.ref.add")]
    [InlineData(WatchEventType.Modified, true, "dev.knative.apiserver.ref.update")]
    [InlineData(WatchEventType.Deleted, true, "dev.knative.apiserver.ref.delete")]
    [InlineData(WatchEventType.Added, false, "dev.knative.apiserver.resource.add")]
    [InlineData(WatchEventType.Modified, false, "dev.knative.apiserver.resource.update")]
    [InlineData(WatchEventType.Deleted, false, "dev.knative.apiserver.resource.delete")]
    public void Event_types(WatchEventType type, bool reference, string want) =>
        Assert.Equal(want, ApiServerEvents.Build("http://127.0.0.1:5100", ApiServerEvents.Of(type), Service(), reference, "id", DateTimeOffset.UnixEpoch).Type);

    [Fact]
    public void Reference_mode_carries_the_object_reference_and_knatives_extensions()
    {
        var e = ApiServerEvents.Build("https://10.96.0.1:443", ApiServerEvents.Change.Add, Service(), reference: true, "id-1", DateTimeOffset.UnixEpoch);
        Assert.Equal("https://10.96.0.1:443", e.SpecVersion.SourceAttribute.Format(e.Source!)); // as sent in ce-source
        Assert.Equal("/apis/serving.knative.dev/v1/namespaces/team-a/services/hello", e.Subject);
        Assert.Equal(("Service", "serving.knative.dev/v1", "hello", "team-a"), ((string?)e["kind"], (string?)e["apiversion"], (string?)e["name"], (string?)e["namespace"]));
        Assert.Equal("application/json", e.DataContentType);
        Assert.Equal("""{"kind":"Service","namespace":"team-a","name":"hello","apiVersion":"serving.knative.dev/v1"}""", Encoding.UTF8.GetString((byte[])e.Data!));
    }

    [Fact]
    public void Resource_mode_carries_the_whole_object()
    {
        var e = ApiServerEvents.Build("http://127.0.0.1:5100", ApiServerEvents.Change.Update, Service(), reference: false, "id-1", DateTimeOffset.UnixEpoch);
        Assert.True(JsonNode.DeepEquals(Service(), JsonNode.Parse((byte[])e.Data!)));
    }

    // kind, want resource (Kubernetes' UnsafeGuessKindToResource)
    [Theory]
    [InlineData("Service", "services")]
    [InlineData("Pod", "pods")]
    [InlineData("Ingress", "ingresses")]
    [InlineData("Policy", "policies")]
    [InlineData("Endpoints", "endpoints")]
    [InlineData("Gateway", "gatewaies")] // the guess ignores "ay", and so do Knative's subjects
    public void Resources_are_guessed_from_kinds_as_knative_does(string kind, string want) => Assert.Equal(want, ApiServerEvents.GuessResource(kind));

    // apiVersion, want subject
    [Theory]
    [InlineData("v1", "/apis/v1/namespaces/ns/pods/p")]
    [InlineData("apps/v1", "/apis/apps/v1/namespaces/ns/pods/p")]
    [InlineData("example.com", "/apis/example.com/versionUnknown/namespaces/ns/pods/p")]
    public void Subjects_are_knatives_self_links(string apiVersion, string want) => Assert.Equal(want, ApiServerEvents.Subject(apiVersion, "Pod", "ns", "p"));
}
