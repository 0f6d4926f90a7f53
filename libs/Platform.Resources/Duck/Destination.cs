using System.Text.Json.Serialization;

namespace Platform.Resources.Duck;

/// <summary>Knative's KReference: a reference to an addressable object.</summary>
public sealed class KReference
{
    /// <summary>Kind of the referent, e.g. <c>Service</c>.</summary>
    public string? Kind { get; set; }

    /// <summary>Namespace of the referent; defaulted to the referrer's namespace.</summary>
    public string? Namespace { get; set; }

    /// <summary>Name of the referent.</summary>
    public string? Name { get; set; }

    /// <summary>apiVersion of the referent, e.g. <c>serving.knative.dev/v1</c>.</summary>
    public string? ApiVersion { get; set; }

    /// <summary>Group of the referent, an alternative to apiVersion (newest version is used).</summary>
    public string? Group { get; set; }
}

/// <summary>Where events go: an object reference, a URI, or a reference plus a relative URI.</summary>
public sealed class Destination
{
    /// <summary>The addressable object.</summary>
    public KReference? Ref { get; set; }

    /// <summary>An absolute URI, or a path relative to <see cref="Ref"/>'s address.</summary>
    public string? Uri { get; set; }

    /// <summary>PEM CA certificates trusted for this destination.</summary>
    [JsonPropertyName("CACerts")]
    public string? CACerts { get; set; }

    /// <summary>OIDC audience of the destination.</summary>
    public string? Audience { get; set; }
}

/// <summary>An address an addressable resource publishes.</summary>
public sealed class Addressable
{
    /// <summary>Name of the address (e.g. <c>http</c>, <c>https</c>).</summary>
    public string? Name { get; set; }

    /// <summary>The URL.</summary>
    public string? Url { get; set; }

    /// <summary>PEM CA certificates for the address.</summary>
    [JsonPropertyName("CACerts")]
    public string? CACerts { get; set; }

    /// <summary>OIDC audience.</summary>
    public string? Audience { get; set; }
}

/// <summary>How events are delivered: retries, backoff, timeout, dead-letter sink and format.</summary>
public sealed class DeliverySpec
{
    /// <summary>Where events go after the last failed attempt.</summary>
    public Destination? DeadLetterSink { get; set; }

    /// <summary>Attempts after the first one (&gt;= 0).</summary>
    public int? Retry { get; set; }

    /// <summary><c>linear</c> or <c>exponential</c>.</summary>
    public string? BackoffPolicy { get; set; }

    /// <summary>ISO-8601 base delay between attempts, e.g. <c>PT0.2S</c>.</summary>
    public string? BackoffDelay { get; set; }

    /// <summary>ISO-8601 timeout of one attempt.</summary>
    public string? Timeout { get; set; }

    /// <summary>ISO-8601 cap on a honoured Retry-After header.</summary>
    public string? RetryAfterMax { get; set; }

    /// <summary><c>json</c> (structured) or <c>binary</c> content mode.</summary>
    public string? Format { get; set; }
}

/// <summary>Backoff policy values.</summary>
public static class BackoffPolicies
{
    /// <summary>d, 2d, 3d ... (as coded: 0, d, 2d ...).</summary>
    public const string Linear = "linear";

    /// <summary>d, 2d, 4d ...</summary>
    public const string Exponential = "exponential";
}

/// <summary>Dead-letter status of a delivery.</summary>
public sealed class DeliveryStatus
{
    /// <summary>Resolved dead-letter sink URI.</summary>
    public string? DeadLetterSinkUri { get; set; }

    /// <summary>CA certificates of the dead-letter sink.</summary>
    public string? DeadLetterSinkCACerts { get; set; }

    /// <summary>Audience of the dead-letter sink.</summary>
    public string? DeadLetterSinkAudience { get; set; }
}

/// <summary>Common part of every source: the sink and CloudEvent overrides.</summary>
public class SourceSpec
{
    /// <summary>Where the source sends its events.</summary>
    public Destination? Sink { get; set; }

    /// <summary>Attributes added to every event.</summary>
    public CloudEventOverrides? CeOverrides { get; set; }
}

/// <summary>Extensions added to every event a source emits.</summary>
public sealed class CloudEventOverrides
{
    /// <summary>Extension name → value.</summary>
    public Dictionary<string, string>? Extensions { get; set; }
}

/// <summary>The type and source of events a source emits.</summary>
public sealed class CloudEventAttributes
{
    /// <summary>CloudEvent type.</summary>
    public string? Type { get; set; }

    /// <summary>CloudEvent source.</summary>
    public string? Source { get; set; }
}
