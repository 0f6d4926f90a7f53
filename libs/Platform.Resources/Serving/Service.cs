using Platform.Resources.Duck;
using Platform.Resources.Meta;

namespace Platform.Resources.Serving;

/// <summary>serving.knative.dev/v1 Service: a Configuration and a Route managed together.</summary>
public sealed class Service : Resource<ServiceSpec, ServiceStatus>
{
    /// <summary>Creates an empty Service.</summary>
    public Service() : base(ServingApi.V1, "Service")
    {
    }
}

/// <summary>Service spec: the revision template and the traffic split.</summary>
public sealed class ServiceSpec
{
    /// <summary>Template every new revision is stamped from.</summary>
    public RevisionTemplateSpec? Template { get; set; }

    /// <summary>Traffic split; defaulted to all traffic on the latest ready revision.</summary>
    public List<TrafficTarget>? Traffic { get; set; }
}

/// <summary>Service status.</summary>
public sealed class ServiceStatus : KnativeStatus
{
    /// <summary>Public URL, <c>http://{name}.{ns}.{domain}</c>.</summary>
    public string? Url { get; set; }

    /// <summary>Cluster-local address.</summary>
    public Addressable? Address { get; set; }

    /// <summary>Traffic as resolved to revisions.</summary>
    public List<TrafficTarget>? Traffic { get; set; }

    /// <summary>The latest revision that became ready.</summary>
    public string? LatestReadyRevisionName { get; set; }

    /// <summary>The latest revision created from the template.</summary>
    public string? LatestCreatedRevisionName { get; set; }
}

/// <summary>serving.knative.dev/v1 Configuration: stamps a Revision for every template change.</summary>
public sealed class Configuration : Resource<ConfigurationSpec, ConfigurationStatus>
{
    /// <summary>Creates an empty Configuration.</summary>
    public Configuration() : base(ServingApi.V1, "Configuration")
    {
    }
}

/// <summary>Configuration spec.</summary>
public sealed class ConfigurationSpec
{
    /// <summary>Template every new revision is stamped from.</summary>
    public RevisionTemplateSpec? Template { get; set; }
}

/// <summary>Configuration status.</summary>
public sealed class ConfigurationStatus : KnativeStatus
{
    /// <summary>The latest revision that became ready.</summary>
    public string? LatestReadyRevisionName { get; set; }

    /// <summary>The latest revision created from the template.</summary>
    public string? LatestCreatedRevisionName { get; set; }
}

/// <summary>serving.knative.dev/v1 Revision: an immutable snapshot of code and configuration.</summary>
public sealed class Revision : Resource<RevisionSpec, RevisionStatus>
{
    /// <summary>Creates an empty Revision.</summary>
    public Revision() : base(ServingApi.V1, "Revision")
    {
    }
}

/// <summary>Revision status.</summary>
public sealed class RevisionStatus : KnativeStatus
{
    /// <summary>URL of the revision's logs.</summary>
    public string? LogUrl { get; set; }

    /// <summary>Image digests of the containers.</summary>
    public List<ContainerStatus>? ContainerStatuses { get; set; }

    /// <summary>Image digests of the init containers.</summary>
    public List<ContainerStatus>? InitContainerStatuses { get; set; }

    /// <summary>Replicas running.</summary>
    public int? ActualReplicas { get; set; }

    /// <summary>Replicas the autoscaler wants.</summary>
    public int? DesiredReplicas { get; set; }
}

/// <summary>A container's resolved image.</summary>
public sealed class ContainerStatus
{
    /// <summary>Container name.</summary>
    public string? Name { get; set; }

    /// <summary>Resolved image digest.</summary>
    public string? ImageDigest { get; set; }
}

/// <summary>serving.knative.dev/v1 Route: named traffic to revisions.</summary>
public sealed class Route : Resource<RouteSpec, RouteStatus>
{
    /// <summary>Creates an empty Route.</summary>
    public Route() : base(ServingApi.V1, "Route")
    {
    }
}

/// <summary>Route spec.</summary>
public sealed class RouteSpec
{
    /// <summary>Traffic split.</summary>
    public List<TrafficTarget>? Traffic { get; set; }
}

/// <summary>Route status.</summary>
public sealed class RouteStatus : KnativeStatus
{
    /// <summary>Public URL.</summary>
    public string? Url { get; set; }

    /// <summary>Cluster-local address.</summary>
    public Addressable? Address { get; set; }

    /// <summary>Traffic as resolved to revisions.</summary>
    public List<TrafficTarget>? Traffic { get; set; }
}

/// <summary>serving.knative.dev/v1beta1 DomainMapping: a custom domain (the object's name) for a Service.</summary>
public sealed class DomainMapping : Resource<DomainMappingSpec, DomainMappingStatus>
{
    /// <summary>Creates an empty DomainMapping.</summary>
    public DomainMapping() : base(ServingApi.V1Beta1, "DomainMapping")
    {
    }
}

/// <summary>DomainMapping spec.</summary>
public sealed class DomainMappingSpec
{
    /// <summary>The addressable the domain points to (usually a Knative Service).</summary>
    public KReference? Ref { get; set; }

    /// <summary>TLS settings.</summary>
    public SecretTls? Tls { get; set; }
}

/// <summary>TLS certificate source.</summary>
public sealed class SecretTls
{
    /// <summary>Secret holding the certificate.</summary>
    public string? SecretName { get; set; }
}

/// <summary>DomainMapping status.</summary>
public sealed class DomainMappingStatus : KnativeStatus
{
    /// <summary>The mapped URL.</summary>
    public string? Url { get; set; }

    /// <summary>Address.</summary>
    public Addressable? Address { get; set; }
}

/// <summary>apiVersions of serving.knative.dev.</summary>
internal static class ServingApi
{
    /// <summary>API group.</summary>
    public const string Group = "serving.knative.dev";

    /// <summary>serving.knative.dev/v1.</summary>
    public const string V1 = "serving.knative.dev/v1";

    /// <summary>serving.knative.dev/v1beta1 (DomainMapping).</summary>
    public const string V1Beta1 = "serving.knative.dev/v1beta1";
}
