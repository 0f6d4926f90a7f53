namespace Platform.Autoscaler.Keda;

/// <summary>The KEDA external scaler's endpoint: configuration section <c>Keda</c>.</summary>
internal sealed record KedaOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Keda";

    /// <summary>h2c port of the <c>externalscaler.ExternalScaler</c> gRPC service (<c>Keda:Port</c>). Default 9090; 0 turns it off.</summary>
    public int Port { get; init; } = 9090;

    /// <summary>Address to listen on; default: the host of the app URL (127.0.0.1 locally, set 0.0.0.0 in a cluster).</summary>
    public string? Host { get; init; }

    /// <summary>How often an open StreamIsActive re-sends the state when nothing changed. Default 5 s.</summary>
    public TimeSpan StreamResendInterval { get; init; } = TimeSpan.FromSeconds(5);
}
