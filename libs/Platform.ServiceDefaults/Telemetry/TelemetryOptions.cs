using Microsoft.Extensions.Configuration;

namespace Platform.ServiceDefaults.Telemetry;

/// <summary>
/// Settings of the <c>Telemetry</c> configuration section, the same in every service
/// (e.g. <c>Telemetry__MetricsPort=9101</c>). The OTLP exporter itself is configured by the standard <c>OTEL_*</c>
/// variables (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_SERVICE_NAME</c>, ...).
/// </summary>
public sealed record TelemetryOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Telemetry";

    /// <summary>
    /// Port of the separate Prometheus endpoint (<c>GET /metrics</c>, nothing else answers there), so that scrapes never
    /// share the data-plane port. 0 (default): no metrics endpoint. <c>dapr.yaml</c> gives 9100–9104.
    /// </summary>
    public int MetricsPort { get; init; }

    /// <summary>Address the metrics port binds. Default <c>127.0.0.1</c>; <c>0.0.0.0</c> in a cluster.</summary>
    public string MetricsAddress { get; init; } = "127.0.0.1";

    /// <summary>Whether instruments are recorded at all. Default true; false only to measure their cost.</summary>
    public bool Metrics { get; init; } = true;

    /// <summary>
    /// Whether spans are recorded. Default (null): when an OTLP endpoint is configured
    /// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>) and <c>OTEL_TRACES_EXPORTER</c>
    /// is not <c>none</c>; so with no exporter nothing listens and a span costs nothing. True records them even with
    /// no exporter (to measure their cost); false never.
    /// </summary>
    public bool? Tracing { get; init; }

    /// <summary>The options in <paramref name="configuration"/>, with every error named by its path.</summary>
    /// <exception cref="InvalidOperationException">A setting is invalid.</exception>
    public static TelemetryOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var errors = new List<string>();
        if (options.MetricsPort is < 0 or > 65535) errors.Add($"{Section}:MetricsPort: must be 0..65535");
        if (!System.Net.IPAddress.TryParse(options.MetricsAddress, out _))
            errors.Add($"{Section}:MetricsAddress: \"{options.MetricsAddress}\" is not an IP address such as 127.0.0.1 or 0.0.0.0");
        if (errors.Count > 0) throw new InvalidOperationException("Invalid telemetry configuration: " + string.Join("; ", errors));
        return options;
    }

    /// <summary>Whether an OTLP trace exporter is configured by the standard variables.</summary>
    public static bool OtlpConfigured(IConfiguration configuration) =>
        !string.Equals(configuration["OTEL_TRACES_EXPORTER"], "none", StringComparison.OrdinalIgnoreCase)
        && (!string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) || !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]));

    /// <summary>Whether spans are recorded, as <see cref="Tracing"/> describes.</summary>
    public bool TracingEnabled(IConfiguration configuration) => Tracing ?? OtlpConfigured(configuration);
}
