using Platform.Resources.Core;
using Platform.Resources.Duck;
using Platform.Resources.Meta;

namespace Platform.Resources.Sources;

/// <summary>sources.knative.dev/v1 PingSource: a fixed event on a cron schedule.</summary>
public sealed class PingSource : Resource<PingSourceSpec, SourceStatus>
{
    /// <summary>Creates an empty PingSource.</summary>
    public PingSource() : base(SourcesApi.V1, "PingSource")
    {
    }

    /// <summary>CloudEvent type of ping events.</summary>
    public const string EventType = "dev.knative.sources.ping";

    /// <summary>CloudEvent source of this source's events: <c>/apis/v1/namespaces/{ns}/pingsources/{name}</c>.</summary>
    public string EventSource() => $"/apis/v1/namespaces/{Metadata.Namespace ?? "default"}/pingsources/{Metadata.Name}";
}

/// <summary>PingSource spec.</summary>
public sealed class PingSourceSpec : SourceSpec
{
    /// <summary>Five-field cron schedule (default <c>* * * * *</c>).</summary>
    public string? Schedule { get; set; }

    /// <summary>IANA time zone of the schedule.</summary>
    public string? Timezone { get; set; }

    /// <summary>Media type of the data.</summary>
    public string? ContentType { get; set; }

    /// <summary>Event data as text (exclusive with <see cref="DataBase64"/>).</summary>
    public string? Data { get; set; }

    /// <summary>Event data, base64-encoded.</summary>
    public string? DataBase64 { get; set; }
}

/// <summary>sources.knative.dev/v1 ApiServerSource: resource changes as events.</summary>
public sealed class ApiServerSource : Resource<ApiServerSourceSpec, ApiServerSourceStatus>
{
    /// <summary>Creates an empty ApiServerSource.</summary>
    public ApiServerSource() : base(SourcesApi.V1, "ApiServerSource")
    {
    }
}

/// <summary>ApiServerSource spec.</summary>
public sealed class ApiServerSourceSpec : SourceSpec
{
    /// <summary>Resources to watch (at least one).</summary>
    public List<ApiServerResource>? Resources { get; set; }

    /// <summary>Only objects owned by this kind.</summary>
    public ApiVersionKind? Owner { get; set; }

    /// <summary><c>Reference</c> (default) or <c>Resource</c>.</summary>
    public string? Mode { get; set; }

    /// <summary>Service account with get/list/watch.</summary>
    public string? ServiceAccountName { get; set; }

    /// <summary>Namespaces to watch (default: the source's own).</summary>
    public LabelSelector? NamespaceSelector { get; set; }
}

/// <summary>A resource kind to watch.</summary>
public sealed class ApiServerResource
{
    /// <summary>apiVersion.</summary>
    public string? ApiVersion { get; set; }

    /// <summary>Kind.</summary>
    public string? Kind { get; set; }

    /// <summary>Label selector.</summary>
    public LabelSelector? Selector { get; set; }
}

/// <summary>An apiVersion and kind.</summary>
public sealed class ApiVersionKind
{
    /// <summary>apiVersion.</summary>
    public string? ApiVersion { get; set; }

    /// <summary>Kind.</summary>
    public string? Kind { get; set; }
}

/// <summary>ApiServerSource status.</summary>
public sealed class ApiServerSourceStatus : SourceStatus
{
    /// <summary>Namespaces being watched.</summary>
    public List<string>? Namespaces { get; set; }
}

/// <summary>sources.knative.dev/v1 SinkBinding: injects K_SINK into a subject's pods.</summary>
public sealed class SinkBinding : Resource<SinkBindingSpec, SourceStatus>
{
    /// <summary>Creates an empty SinkBinding.</summary>
    public SinkBinding() : base(SourcesApi.V1, "SinkBinding")
    {
    }
}

/// <summary>SinkBinding spec.</summary>
public sealed class SinkBindingSpec : SourceSpec
{
    /// <summary>The workload(s) to bind.</summary>
    public BindingReference? Subject { get; set; }
}

/// <summary>A binding subject: by name or by selector.</summary>
public sealed class BindingReference
{
    /// <summary>apiVersion.</summary>
    public string? ApiVersion { get; set; }

    /// <summary>Kind.</summary>
    public string? Kind { get; set; }

    /// <summary>Namespace (defaults to the binding's).</summary>
    public string? Namespace { get; set; }

    /// <summary>Name (exclusive with selector).</summary>
    public string? Name { get; set; }

    /// <summary>Selector (exclusive with name).</summary>
    public LabelSelector? Selector { get; set; }
}

/// <summary>sources.knative.dev/v1 ContainerSource: a workload bound to a sink.</summary>
public sealed class ContainerSource : Resource<ContainerSourceSpec, SourceStatus>
{
    /// <summary>Creates an empty ContainerSource.</summary>
    public ContainerSource() : base(SourcesApi.V1, "ContainerSource")
    {
    }
}

/// <summary>ContainerSource spec.</summary>
public sealed class ContainerSourceSpec : SourceSpec
{
    /// <summary>The pod to run.</summary>
    public PodTemplateSpec? Template { get; set; }
}

/// <summary>apiVersions of sources.knative.dev.</summary>
internal static class SourcesApi
{
    /// <summary>API group.</summary>
    public const string Group = "sources.knative.dev";

    /// <summary>sources.knative.dev/v1.</summary>
    public const string V1 = "sources.knative.dev/v1";
}
