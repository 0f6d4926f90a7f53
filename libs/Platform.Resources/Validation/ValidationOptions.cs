namespace Platform.Resources.Validation;

/// <summary>Limits validation enforces (Knative's config-defaults and config-autoscaler).</summary>
public sealed record ValidationOptions
{
    /// <summary>Largest <c>timeoutSeconds</c> (and response-start / idle timeouts). Default 600.</summary>
    public long MaxRevisionTimeoutSeconds { get; init; } = 600;

    /// <summary>Largest <c>containerConcurrency</c>. Default 1000.</summary>
    public long MaxContainerConcurrency { get; init; } = 1000;

    /// <summary>Whether <c>autoscaling.knative.dev/initial-scale: "0"</c> is accepted. Default false.</summary>
    public bool AllowZeroInitialScale { get; init; }

    /// <summary>Ports the platform's own data plane uses (queue-proxy and metrics). Default 8012, 8013, 8022, 9090, 9091.</summary>
    public IReadOnlySet<int> ReservedPorts { get; init; } = new HashSet<int> { 8012, 8013, 8022, 9090, 9091 };

    /// <summary>Environment variables the runtime sets itself. Default K_SERVICE, K_CONFIGURATION, K_REVISION.</summary>
    public IReadOnlySet<string> ReservedEnvVars { get; init; } = new HashSet<string>(StringComparer.Ordinal) { "K_SERVICE", "K_CONFIGURATION", "K_REVISION" };

    /// <summary>Mount paths that would break the container. Default /, /dev, /dev/log, /tmp, /var, /var/log.</summary>
    public IReadOnlySet<string> ReservedMountPaths { get; init; } = new HashSet<string>(StringComparer.Ordinal) { "/", "/dev", "/dev/log", "/tmp", "/var", "/var/log" };
}
