using Platform.Resources.Core;
using Platform.Resources.Meta;

namespace Platform.Resources.Serving;

/// <summary>A revision's spec: a PodSpec plus Knative's concurrency and timeout settings.</summary>
public sealed class RevisionSpec : PodSpec
{
    /// <summary>Maximum requests in flight per replica; 0 = unlimited (max 1000).</summary>
    public long? ContainerConcurrency { get; set; }

    /// <summary>Request timeout in seconds (default 300, max 600).</summary>
    public long? TimeoutSeconds { get; set; }

    /// <summary>Seconds until the first response byte (default 300).</summary>
    public long? ResponseStartTimeoutSeconds { get; set; }

    /// <summary>Seconds a request may stay idle (default 0 = no limit).</summary>
    public long? IdleTimeoutSeconds { get; set; }

    /// <summary>The serving container: the only one, or the one with a port.</summary>
    public Container? ServingContainer()
    {
        if (Containers is null || Containers.Count == 0)
        {
            return null;
        }

        return Containers.Count == 1 ? Containers[0] : Containers.Find(c => c?.Ports is { Count: > 0 }) ?? Containers[0];
    }

    /// <summary>The port the serving container listens on: its declared port, else 8080 (the <c>PORT</c> default).</summary>
    public int UserPort() => ServingContainer()?.Ports is [{ ContainerPort: int port and > 0 }, ..] ? port : DefaultUserPort;

    /// <summary>The port given to the container through <c>PORT</c> when it declares none.</summary>
    public const int DefaultUserPort = 8080;
}

/// <summary>The <c>spec.template</c> of a Service or Configuration: revision metadata and spec.</summary>
public sealed class RevisionTemplateSpec
{
    /// <summary>Metadata copied to each revision (name, labels, autoscaling annotations).</summary>
    public ObjectMeta? Metadata { get; set; }

    /// <summary>The revision spec.</summary>
    public RevisionSpec? Spec { get; set; }
}

/// <summary>One entry of <c>spec.traffic</c> / <c>status.traffic</c>.</summary>
public sealed class TrafficTarget
{
    /// <summary>Optional name exposing this target at <c>{tag}-{name}.{ns}.{domain}</c>.</summary>
    public string? Tag { get; set; }

    /// <summary>A fixed revision.</summary>
    public string? RevisionName { get; set; }

    /// <summary>A configuration whose latest ready revision is used (Route only).</summary>
    public string? ConfigurationName { get; set; }

    /// <summary>Whether the latest ready revision is used; defaulted from the other fields.</summary>
    public bool? LatestRevision { get; set; }

    /// <summary>Share of traffic, 0..100; all entries sum to 100.</summary>
    public long? Percent { get; set; }

    /// <summary>Status only: the URL of the tag.</summary>
    public string? Url { get; set; }
}
