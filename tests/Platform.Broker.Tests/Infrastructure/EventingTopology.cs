using System.Net;
using System.Text.Json.Nodes;
using CloudNative.CloudEvents;
using Platform.CloudEvents;
using Platform.ControlPlane.Http;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.Resources.Serialization;
using Platform.Testing;

namespace Platform.Broker.Tests.Infrastructure;

/// <summary>
/// Everything the eventing data plane runs on, as real processes on loopback: redis-server, the control plane
/// (serving-controller, memory persistence), the local sidecar (app-id <c>broker</c>, pubsub.redis) and the broker
/// service. Shared by the end-to-end tests (each test uses its own namespace); the crash test restarts the broker.
/// </summary>
public sealed class EventingTopology : IAsyncLifetime
{
    // With an append-only file, as `platform up` runs Redis: the fault tests restart it and expect the streams back.
    private readonly RedisServer _redis = new() { AppendOnly = true };
    private readonly string _root = Path.Combine(Path.GetTempPath(), "platform-broker-tests-" + Guid.NewGuid().ToString("N")[..8]);
    private ChildProcess? _controlPlane, _sidecar, _broker;
    private int _sidecarGrpc, _sidecarHttp;

    /// <summary>The control-plane API the broker uses.</summary>
    public Uri ControlPlane { get; private set; } = null!;

    /// <summary>Why the topology cannot run here (no redis-server outside CI), or null.</summary>
    public string? Unavailable { get; private set; }

    /// <summary>The resource store (the control plane's API).</summary>
    public IResourceStore Store { get; private set; } = null!;

    /// <summary>The broker's ingress base URL.</summary>
    public Uri Ingress { get; private set; } = null!;

    /// <summary>Redis, for raw checks.</summary>
    public RedisServer Redis => _redis;

    /// <summary>Receives the broker's spans (its OTLP exporter points here).</summary>
    public Platform.Testing.Telemetry.OtlpTraceReceiver Traces { get; private set; } = null!;

    /// <summary>The broker's Prometheus port (<c>Telemetry:MetricsPort</c>).</summary>
    public int MetricsPort { get; } = FreePort.Next();

    /// <summary>Skips the test when the topology could not start.</summary>
    public void SkipIfUnavailable() => Skip.If(Unavailable is not null, Unavailable);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        if (_redis.Unavailable is { } why) { Unavailable = why; return; }
        // A program that is not built is an error, not a reason to skip (Builds.Output throws naming it).
        _ = (RepoPaths.ControlPlane, RepoPaths.Sidecar, RepoPaths.Broker);
        var resources = Path.Combine(_root, "resources");
        Directory.CreateDirectory(resources);
        Directory.CreateDirectory(Path.Combine(_root, "registry"));
        // Short processingTimeout/redeliverInterval so that the crash test sees redelivery within seconds.
        await File.WriteAllTextAsync(Path.Combine(resources, "pubsub.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: pubsub
            spec:
              type: pubsub.redis
              version: v1
              metadata:
              - name: redisHost
                value: "{_redis.HostPort}"
              - name: processingTimeout
                value: "3s"
              - name: redeliverInterval
                value: "1s"
              - name: concurrency
                value: "20"
            """);

        var cpPort = FreePort.Next();
        _controlPlane = ChildProcess.Start("control plane", RepoPaths.ControlPlane, [], new Dictionary<string, string>
        {
            ["APP_PORT"] = cpPort.ToString(),
            ["ControlPlane__Persistence"] = "memory",
            ["ControlPlane__PublishChanges"] = "false",
            // Basic admission stores what Knative's would refuse (bad CESQL, unresolvable refs): the broker's own
            // handling of such objects is under test, as in Kubernetes mode where our admission does not run.
            ["ControlPlane__Admission"] = "basic",
            ["DAPR_GRPC_PORT"] = FreePort.Next().ToString(),
            ["DAPR_HTTP_PORT"] = FreePort.Next().ToString(),
        });
        await _controlPlane.WaitForAsync($"http://127.0.0.1:{cpPort}/apis/eventing.knative.dev/v1/brokers", 200, TimeSpan.FromSeconds(90));
        ControlPlane = new Uri($"http://127.0.0.1:{cpPort}/");
        Store = new HttpResourceStore(new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{cpPort}/"), Timeout = Timeout.InfiniteTimeSpan });

        _sidecarHttp = FreePort.Next();
        _sidecarGrpc = FreePort.Next();
        await StartSidecarAsync();

        Traces = await Platform.Testing.Telemetry.OtlpTraceReceiver.StartAsync();
        var brokerPort = FreePort.Next();
        Ingress = new Uri($"http://127.0.0.1:{brokerPort}/");
        _brokerEnvironment = new Dictionary<string, string>
        {
            ["APP_PORT"] = brokerPort.ToString(),
            ["DAPR_GRPC_PORT"] = _sidecarGrpc.ToString(),
            ["DAPR_HTTP_PORT"] = _sidecarHttp.ToString(),
            ["ResourceStore__Url"] = $"http://127.0.0.1:{cpPort}/",
            ["Broker__IngressUrl"] = $"http://127.0.0.1:{brokerPort}",
            ["Broker__ResyncInterval"] = "00:00:01",
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__System.Net.Http.HttpClient"] = "Warning",
            ["Logging__LogLevel__Platform.Broker.Delivery"] = "Debug",
            ["Telemetry__MetricsPort"] = MetricsPort.ToString(),
            ["OTEL_SERVICE_NAME"] = "broker",
        };
        foreach (var (k, v) in Traces.ExporterEnvironment) _brokerEnvironment[k] = v;
        await StartBrokerAsync();
    }

    private Dictionary<string, string> _brokerEnvironment = [];

    /// <summary>Starts the broker service (again) and waits for its health endpoint.</summary>
    public async Task StartBrokerAsync()
    {
        _broker = ChildProcess.Start("broker", RepoPaths.Broker, [], _brokerEnvironment);
        await _broker.WaitForAsync(new Uri(Ingress, "healthz").ToString(), 200, TimeSpan.FromSeconds(90));
    }

    /// <summary>Starts the broker's sidecar (again, on the same ports) and waits for its health endpoint.</summary>
    public async Task StartSidecarAsync()
    {
        _sidecar = ChildProcess.Start("sidecar", RepoPaths.Sidecar,
            ["--app-id", "broker", "--dapr-http-port", _sidecarHttp.ToString(), "--dapr-grpc-port", _sidecarGrpc.ToString(),
             "--resources-path", Path.Combine(_root, "resources"), "--registry-dir", Path.Combine(_root, "registry"), "--log-level", "info"],
            new Dictionary<string, string>());
        await _sidecar.WaitForAsync($"http://127.0.0.1:{_sidecarHttp}/v1.0/healthz", 204, TimeSpan.FromSeconds(90));
    }

    /// <summary>Kills the broker's sidecar at once (no graceful stop).</summary>
    public async Task KillSidecarAsync()
    {
        if (_sidecar is not null) await _sidecar.DisposeAsync();
        _sidecar = null;
    }

    /// <summary>Kills the broker service at once (no graceful stop).</summary>
    public async Task KillBrokerAsync()
    {
        if (_broker is not null) await _broker.DisposeAsync();
        _broker = null;
    }

    /// <summary>The broker's and the sidecar's last output (for failure messages).</summary>
    public string Logs => $"--- broker ---\n{_broker?.Output}\n--- sidecar ---\n{_sidecar?.Output}";

    /// <summary>Creates a resource from YAML.</summary>
    public async Task<JsonObject> CreateAsync(string yaml)
    {
        var resource = ResourceSerializer.Default.ReadOne(yaml);
        var node = ResourceSerializer.Default.ToNode(resource);
        var kind = ResourceKinds.Knative.FindByKind(resource.ApiVersion, resource.Kind)!;
        return await Store.CreateAsync(kind, node);
    }

    /// <summary>Waits until the object's Ready condition is <paramref name="status"/>; returns the object.</summary>
    public async Task<JsonObject> WaitReadyAsync(ResourceKind kind, string ns, string name, string status = "True", TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        JsonObject? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await Store.GetAsync(kind, ns, name);
            var ready = (last?["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c.Str("type") == "Ready");
            if (ready?.Str("status") == status) return last!;
            await Task.Delay(100);
        }
        throw new TimeoutException($"{kind.Kind} {ns}/{name} never got Ready={status}; last: {last?.ToJsonString()}\n{Logs}");
    }

    /// <summary>POSTs a binary-mode event; returns the status code.</summary>
    public static async Task<HttpStatusCode> PostAsync(HttpClient http, Uri url, CloudEvent cloudEvent)
    {
        using var content = CloudEventHttp.ToHttpContent(cloudEvent, ContentMode.Binary);
        using var response = await http.PostAsync(url, content);
        return response.StatusCode;
    }

    /// <summary>The broker's loss accounting of one trigger (<c>GET /stats/triggers/{ns}/{name}</c>).</summary>
    public async Task<TriggerStats> StatsAsync(string ns, string trigger)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var answer = JsonNode.Parse(await http.GetStringAsync(new Uri(Ingress, $"stats/triggers/{ns}/{trigger}")))!["stats"]!;
        long N(string field) => answer[field]!.GetValue<long>();
        return new TriggerStats(N("accepted"), N("delivered"), N("retried"), N("deadLettered"), N("dropped"), N("redelivered"), N("inFlight"), N("outstanding"));
    }

    /// <summary>A new event.</summary>
    public static CloudEvent Event(string type, string? data = null, string? id = null) => new()
    {
        Id = id ?? Guid.NewGuid().ToString("N"),
        Source = new Uri("urn:platform:tests"),
        Type = type,
        DataContentType = "text/plain",
        Data = data ?? "hello",
    };

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var p in new[] { _broker, _sidecar, _controlPlane })
            if (p is not null) await p.DisposeAsync();
        await _redis.DisposeAsync();
        if (Traces is not null) await Traces.DisposeAsync();
        try { Directory.Delete(_root, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>One trigger's counters as the broker serves them.</summary>
public sealed record TriggerStats(long Accepted, long Delivered, long Retried, long DeadLettered, long Dropped, long Redelivered, long InFlight, long Outstanding);

/// <summary>The end-to-end tests share one topology and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class EventingCollection : ICollectionFixture<EventingTopology>
{
    /// <summary>Collection name.</summary>
    public const string Name = "eventing";
}
