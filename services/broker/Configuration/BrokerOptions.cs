namespace Platform.Broker.Configuration;

/// <summary>Settings of the broker service, bound from the <c>Broker</c> configuration section.</summary>
internal sealed record BrokerOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Broker";

    /// <summary>Public base URL of this service's ingress, used in <c>status.address.url</c>. Default <c>http://127.0.0.1:5300</c>.</summary>
    public string IngressUrl { get; init; } = "http://127.0.0.1:5300";

    /// <summary>Dapr pub/sub component every topic lives on. Default <c>pubsub</c>.</summary>
    public string PubSub { get; init; } = "pubsub";

    /// <summary>Dead-letter topic handed to Dapr for events the broker itself cannot process. Default <c>kn-dead-letter</c>.</summary>
    public string DeadLetterTopic { get; init; } = "kn-dead-letter";

    /// <summary>Largest accepted event (HTTP body) in bytes; larger is 413. Default 4 MiB.</summary>
    public long MaxEventBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary><c>knativebrokerttl</c> given to events that carry none. Default 255.</summary>
    public int DefaultTtl { get; init; } = 255;

    /// <summary>Address of a Platform Service, with <c>{name}</c> and <c>{namespace}</c>. Default the activator: <c>http://{name}.{namespace}.localhost:8080</c>.</summary>
    public string ServiceAddressTemplate { get; init; } = "http://{name}.{namespace}.localhost:8080";

    /// <summary>Deliveries in flight per trigger or subscription. Default 10.</summary>
    public int MaxInFlightPerSubscriber { get; init; } = 10;

    /// <summary>Events in flight per broker or channel fan-out. Default 50.</summary>
    public int MaxInFlightPerFanOut { get; init; } = 50;

    /// <summary>How long one delivery attempt may take when the DeliverySpec sets no timeout. Default 30 s.</summary>
    public TimeSpan DefaultAttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Addresses besides the control-plane API (<c>ResourceStore:Url</c>) and this broker's own sidecar
    /// (<c>DAPR_HTTP_PORT</c>, <c>DAPR_GRPC_PORT</c>) that no subscriber, reply or dead-letter sink may point at: a
    /// Trigger or Subscription naming one is not Ready (<c>SubscriberResolved</c> False, with the reason). Default the
    /// other control ports of dapr.yaml: the activator's control port 8014, the autoscaler's 5200 and 9090, the
    /// sidecars' 3500-3504 and 50001-50005, on this machine. Configured entries are added to these.
    /// </summary>
    public IReadOnlyList<string> ProtectedAddresses { get; init; } = DefaultProtectedAddresses;

    /// <summary>The default of <see cref="ProtectedAddresses"/>.</summary>
    public static readonly IReadOnlyList<string> DefaultProtectedAddresses = Platform.Eventing.Addressing.ProtectedDestinations.DefaultControlPorts;

    /// <summary>Deliver to the platform's control ports anyway (<see cref="ProtectedAddresses"/> off). Default false.</summary>
    public bool AllowPlatformDestinations { get; init; }

    /// <summary>How long a failed reconcile (e.g. unresolvable subscriber) waits before it is tried again. Default 2 s.</summary>
    public TimeSpan ResyncInterval { get; init; } = TimeSpan.FromSeconds(2);
}
