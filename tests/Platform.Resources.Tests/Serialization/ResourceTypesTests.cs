using Platform.ControlPlane.Kinds;
using Platform.Resources.Autoscaling;
using Platform.Resources.Serialization;
using Platform.Resources.Serving;

namespace Platform.Resources.Tests.Serialization;

public class ResourceTypesTests
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
    [InlineData("kpa", "PodAutoscaler")]
    public void Finds_kinds_by_any_name(string name, string kind)
    {
        Assert.Equal(kind, ResourceKinds.Knative.FindByName(name)?.Kind);
    }

    [Fact]
    public void Maps_api_paths_and_types()
    {
        var kind = ResourceKinds.Knative.FindByPath("serving.knative.dev", "v1", "revisions")!;
        Assert.Equal(typeof(Revision), ResourceTypes.Knative.TypeOf(kind));
        Assert.Equal("serving.knative.dev/v1", kind.ApiVersion);
        Assert.True(kind.Namespaced);
        Assert.IsType<Revision>(ResourceTypes.Knative.Create(kind));
        Assert.Equal("domainmappings", ResourceTypes.Knative.KindOf<DomainMapping>().Plural);
        Assert.Equal("serving.knative.dev/v1beta1", ResourceTypes.Knative.KindOf<DomainMapping>().ApiVersion);
        Assert.Equal(ResourceKinds.PodAutoscaler, ResourceTypes.Knative.KindOf<PodAutoscaler>());
        Assert.Null(ResourceKinds.Knative.FindByName("deployments"));
        Assert.Equal(17, ResourceKinds.Knative.All.Count);
    }

    [Fact]
    public void Every_kind_of_the_table_has_a_model_carrying_its_own_api_version_and_kind()
    {
        foreach (var kind in ResourceKinds.Knative.All)
        {
            var resource = ResourceTypes.Knative.Create(kind);
            Assert.Equal((kind.ApiVersion, kind.Kind), (resource.ApiVersion, resource.Kind));
        }
    }

    [Fact]
    public void A_type_whose_kind_is_not_in_the_table_is_refused_at_once()
    {
        var error = Assert.Throws<ArgumentException>(() => new ResourceTypes(new ResourceKinds([ResourceKinds.Service]), [typeof(Service), typeof(Revision)]));
        Assert.Contains("Revision models serving.knative.dev/v1 Revision, which is not in the kinds table", error.Message);
    }
}
