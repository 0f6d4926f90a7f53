using Platform.Resources.Serialization;
using Platform.Resources.Serving;

namespace Platform.Resources.Tests.Serialization;

public class KindRegistryTests
{
    [Theory]
    [InlineData("ksvc", "Service")]
    [InlineData("services", "Service")]
    [InlineData("Service", "Service")]
    [InlineData("services.serving.knative.dev", "Service")]
    [InlineData("rev", "Revision")]
    [InlineData("imc", "InMemoryChannel")]
    [InlineData("inmemorychannels", "InMemoryChannel")]
    [InlineData("brokers", "Broker")]
    [InlineData("pingsource", "PingSource")]
    [InlineData("dm", "DomainMapping")]
    [InlineData("sub", "Subscription")]
    [InlineData("config", "Configuration")]
    public void Finds_kinds_by_any_name(string name, string kind)
    {
        Assert.Equal(kind, KindRegistry.Default.FindByName(name)?.Kind);
    }

    [Fact]
    public void Maps_api_paths_and_types()
    {
        var info = KindRegistry.Default.FindByPlural("serving.knative.dev", "v1", "revisions")!;
        Assert.Equal(typeof(Revision), info.Type);
        Assert.Equal("serving.knative.dev/v1", info.ApiVersion);
        Assert.True(info.Namespaced);
        Assert.IsType<Revision>(info.Create());
        Assert.Equal("domainmappings", KindRegistry.Default.For<DomainMapping>().Plural);
        Assert.Equal("serving.knative.dev/v1beta1", KindRegistry.Default.For<DomainMapping>().ApiVersion);
        Assert.Null(KindRegistry.Default.FindByName("deployments"));
        Assert.Equal(16, KindRegistry.Default.Kinds.Count);
    }

    [Fact]
    public void Every_kind_creates_an_object_with_its_own_api_version_and_kind()
    {
        foreach (var info in KindRegistry.Default.Kinds)
        {
            var resource = info.Create();
            Assert.Equal((info.ApiVersion, info.Kind), (resource.ApiVersion, resource.Kind));
        }
    }
}
