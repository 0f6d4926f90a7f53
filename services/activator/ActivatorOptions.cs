namespace Platform.Activator;

/// <summary>
/// Settings of the activator, bound from the <c>Activator</c> configuration section
/// (e.g. <c>Activator__Domain=example.com</c>).
/// </summary>
internal sealed record ActivatorOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Activator";

    /// <summary>Domain of service hosts, <c>{service}.{namespace}.{Domain}</c>. Default <c>localhost</c>.</summary>
    public string Domain { get; init; } = "localhost";

    /// <summary>
    /// Extra host names (beside IP literals and <c>localhost</c>) that address the activator's own endpoints,
    /// e.g. <c>activator</c>. Default none.
    /// </summary>
    public IReadOnlyList<string>? ActivatorHosts { get; init; }

    /// <summary>
    /// CIDR ranges whose callers may reach cluster-local services and <c>*.svc.cluster.local</c> hosts.
    /// Default <c>127.0.0.0/8</c> and <c>::1/128</c> (loopback).
    /// </summary>
    public IReadOnlyList<string>? LocalNetworks { get; init; }

    /// <summary>
    /// The ingress port: requests for services, HTTP/1.1 and WebSocket (<c>Activator__Port</c>). Default 8080. It never
    /// serves the control endpoints, whatever the Host header says.
    /// </summary>
    public int Port { get; init; } = 8080;

    /// <summary>
    /// Address the ingress and h2c listeners bind: <c>127.0.0.1</c> by default (local mode), <c>0.0.0.0</c> in a
    /// cluster. The control port always binds loopback.
    /// </summary>
    public string Address { get; init; } = "127.0.0.1";

    /// <summary>
    /// The control port: <c>/activator/v1/...</c> (route table, endpoints, stats) and <c>/healthz</c>, on 127.0.0.1 only.
    /// It is the activator's Dapr app port, so the serving-controller reaches it through service invocation to the
    /// activator's sidecar (in the same pod in a cluster) and no ingress client can rewrite routes. Default
    /// <c>APP_PORT</c> when set, else 8014.
    /// </summary>
    public int ControlPort { get; init; } = DefaultControlPort;

    /// <summary>
    /// <c>APP_API_TOKEN</c>: when set, every control request must carry it in <c>dapr-api-token</c> (the activator's
    /// sidecar adds it, as Dapr does), else 401; other local processes cannot reprogram the routes. Null: not checked.
    /// </summary>
    public string? AppApiToken { get; init; }

    /// <summary>Control port when neither <c>Activator:ControlPort</c> nor <c>APP_PORT</c> is set.</summary>
    public const int DefaultControlPort = 8014;

    /// <summary>
    /// Port of a second, HTTP/2-only listener for h2c with prior knowledge (Kestrel speaks HTTP/2 without TLS only on
    /// an HTTP/2-only endpoint; the main port serves HTTP/1.1, WebSocket upgrades and, with TLS, HTTP/2). Same host
    /// as the main port. Default 8013, Knative activator's h2c port; 0 turns it off.
    /// </summary>
    public int H2cPort { get; init; } = 8013;

    /// <summary>Largest request body forwarded, in bytes; larger → 413. Default 10 MiB.</summary>
    public long MaxRequestBodyBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>Request timeout when a revision gives no <c>timeoutSeconds</c>. Default 300 (Knative's).</summary>
    public int DefaultTimeoutSeconds { get; init; } = 300;

    /// <summary>Queue depth per unit of containerConcurrency per replica (Knative queue-proxy: 10).</summary>
    public int QueueDepthPerConcurrency { get; init; } = 10;

    /// <summary>Queue depth of a revision with containerConcurrency 0, i.e. requests held at zero (Knative activator: 10,000).</summary>
    public int UnlimitedQueueDepth { get; init; } = 10_000;

    /// <summary>Dapr app-id of the autoscaler, target of pokes and stats. Default <c>autoscaler</c>.</summary>
    public string AutoscalerAppId { get; init; } = "autoscaler";

    /// <summary>How often stats are snapshotted and reported. Default 1 s.</summary>
    public TimeSpan StatsInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Runs Kestrel's request processing on the socket thread that read the request instead of handing it to the thread
    /// pool (Kestrel's <c>UnsafePreferInlineScheduling</c>): the data path never blocks a thread, and the hand-off
    /// costs CPU on a machine with few cores. Default true; false goes back to the thread pool.
    /// </summary>
    public bool InlineScheduling { get; init; } = true;

    /// <summary>Optional JSON file with a <see cref="Platform.Serving.Contracts.Routing.RouteTable"/> applied at start (handy without a controller).</summary>
    public string? RoutesFile { get; init; }

    /// <summary>The effective local networks.</summary>
    public IReadOnlyList<string> EffectiveLocalNetworks => LocalNetworks is { Count: > 0 } n ? n : ["127.0.0.0/8", "::1/128"];

    /// <summary>Every setting error, with its configuration path.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Domain)) errors.Add("Activator:Domain: required");
        if (MaxRequestBodyBytes < 0) errors.Add("Activator:MaxRequestBodyBytes: must be >= 0");
        if (DefaultTimeoutSeconds is < 1 or > Routing.RouteTableValidator.MaxTimeoutSeconds)
            errors.Add($"Activator:DefaultTimeoutSeconds: must be 1..{Routing.RouteTableValidator.MaxTimeoutSeconds}");
        if (H2cPort is < 0 or > 65535) errors.Add("Activator:H2cPort: must be 0..65535");
        if (Port is < 1 or > 65535) errors.Add("Activator:Port: must be 1..65535");
        if (ControlPort is < 1 or > 65535) errors.Add("Activator:ControlPort: must be 1..65535 (APP_PORT sets it too)");
        if (ControlPort == Port || (H2cPort > 0 && (H2cPort == Port || H2cPort == ControlPort)))
            errors.Add($"Activator: Port ({Port}), ControlPort ({ControlPort}) and H2cPort ({H2cPort}) must differ");
        if (!System.Net.IPAddress.TryParse(Address, out _)) errors.Add($"Activator:Address: \"{Address}\" is not an IP address such as 127.0.0.1 or 0.0.0.0");
        if (QueueDepthPerConcurrency < 0) errors.Add("Activator:QueueDepthPerConcurrency: must be >= 0");
        if (UnlimitedQueueDepth < 0) errors.Add("Activator:UnlimitedQueueDepth: must be >= 0");
        if (StatsInterval <= TimeSpan.Zero) errors.Add("Activator:StatsInterval: must be > 0");
        for (var i = 0; i < EffectiveLocalNetworks.Count; i++)
            if (!System.Net.IPNetwork.TryParse(EffectiveLocalNetworks[i], out _))
                errors.Add($"Activator:LocalNetworks[{i}]: \"{EffectiveLocalNetworks[i]}\" is not a CIDR range");
        return errors;
    }
}
