using System.Globalization;
using System.Text.Json.Nodes;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.Resources.Serialization;
using Platform.Testing;
using Platform.Testing.Processes;

namespace Platform.Sources.Tests.Infrastructure;

/// <summary>
/// What the sources service runs on, as real processes on loopback: redis-server (the state store of the PingSource
/// records), the control plane (serving-controller with Knative admission, memory persistence, no reconcilers), and
/// any number of sources replicas, each with its own local sidecar (app-id <c>sources</c>, state.redis). Shared by the
/// end-to-end tests; each test uses its own namespace.
/// </summary>
public sealed class SourcesStack : IAsyncLifetime
{
    private readonly RedisServer _redis = new();
    private readonly ControlPlaneProcess _controlPlane = new();
    private readonly string _root = Path.Combine(Path.GetTempPath(), "platform-sources-tests-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<SourcesReplica> _replicas = [];

    /// <summary>Why the stack cannot run here (no redis-server outside CI), or null.</summary>
    public string? Unavailable { get; private set; }

    /// <summary>The control plane's API.</summary>
    public IResourceStore Store => _controlPlane.Store;

    /// <summary>The control plane's root URL.</summary>
    public string ControlPlaneUrl => _controlPlane.Url;

    /// <summary>Skips the calling test when the stack cannot run (outside CI).</summary>
    public void SkipIfUnavailable() => Skip.If(Unavailable is not null, Unavailable);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        if (_redis.Unavailable is { } why) { Unavailable = why; return; }
        Directory.CreateDirectory(Path.Combine(_root, "components"));
        Directory.CreateDirectory(Path.Combine(_root, "registry"));
        await File.WriteAllTextAsync(Path.Combine(_root, "components", "statestore.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: statestore
            spec:
              type: state.redis
              version: v1
              metadata:
              - name: redisHost
                value: "{_redis.HostPort}"
            """);
        await _controlPlane.InitializeAsync();
    }

    /// <summary>
    /// Starts a sources replica (and its sidecar, unless <paramref name="sidecar"/> is false) with
    /// <paramref name="settings"/> added to its environment, and waits for its health endpoint.
    /// </summary>
    public async Task<SourcesReplica> StartReplicaAsync(IReadOnlyDictionary<string, string>? settings = null, bool sidecar = true)
    {
        var (appPort, httpPort, grpcPort) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
        var daprd = !sidecar ? null : TestProcess.Start(Builds.Output("tools/sidecar/Platform.Sidecar", "platform-sidecar.dll"),
            ["--app-id", "sources",
             "--dapr-http-port", httpPort.ToString(CultureInfo.InvariantCulture), "--dapr-grpc-port", grpcPort.ToString(CultureInfo.InvariantCulture),
             "--resources-path", Path.Combine(_root, "components"), "--registry-dir", Path.Combine(_root, "registry"), "--log-level", "warn"],
            new Dictionary<string, string>());
        if (daprd is not null) await daprd.WaitUntilAsync($"http://127.0.0.1:{httpPort}/v1.0/healthz/outbound", TimeSpan.FromSeconds(60));
        var environment = new Dictionary<string, string>
        {
            ["APP_PORT"] = appPort.ToString(CultureInfo.InvariantCulture),
            ["DAPR_HTTP_PORT"] = httpPort.ToString(CultureInfo.InvariantCulture),
            ["DAPR_GRPC_PORT"] = grpcPort.ToString(CultureInfo.InvariantCulture),
            ["ResourceStore__Url"] = ControlPlaneUrl,
            ["Sources__ResyncInterval"] = "00:00:01",
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Platform.Sources.Ping.PingScheduler"] = "Debug",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string>()) environment[k] = v;
        var app = TestProcess.Start(Builds.Output("services/sources", "Platform.Sources.dll"), [], environment);
        var replica = new SourcesReplica(app, daprd, $"http://127.0.0.1:{appPort}");
        _replicas.Add(replica);
        await app.WaitUntilAsync($"{replica.Url}/healthz", TimeSpan.FromSeconds(60));
        return replica;
    }

    /// <summary>Creates a resource from YAML in <paramref name="ns"/>.</summary>
    public async Task<JsonObject> CreateAsync(string ns, string yaml)
    {
        var resource = ResourceSerializer.Default.ReadOne(yaml);
        resource.Metadata.Namespace = ns;
        var kind = ResourceKinds.Knative.Get(resource.ApiVersion, resource.Kind);
        return await Store.CreateAsync(kind, ResourceSerializer.Default.ToNode(resource));
    }

    /// <summary>Waits until a condition of the object has <paramref name="status"/>; returns the object (fails with the last one and the logs).</summary>
    public async Task<JsonObject> WaitConditionAsync(ResourceKind kind, string ns, string name, string type, string status, TimeSpan? timeout = null)
    {
        JsonObject? last = null;
        try
        {
            await Condition.UntilAsync(async () =>
            {
                last = await Store.GetAsync(kind, ns, name);
                return ConditionOf(last, type)?.Str("status") == status;
            }, timeout ?? TimeSpan.FromSeconds(20), $"{kind.Kind} {ns}/{name} {type}={status}");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; last: {last?.ToJsonString()}\n{Logs}", e);
        }
        return last!;
    }

    /// <summary>The condition <paramref name="type"/> of an object, or null.</summary>
    public static JsonObject? ConditionOf(JsonObject? obj, string type) =>
        (obj?["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c.Str("type") == type);

    /// <summary>The last lines of every replica (for failure messages).</summary>
    public string Logs => string.Join("\n", _replicas.Select((r, i) => $"--- sources replica {i} ---\n{r.App.Tail(60)}"));

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas) await replica.DisposeAsync();
        await _controlPlane.DisposeAsync();
        await _redis.DisposeAsync();
        try { Directory.Delete(_root, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>One sources process and its sidecar.</summary>
public sealed class SourcesReplica(TestProcess app, TestProcess? sidecar, string url) : IAsyncDisposable
{
    /// <summary>The sources process.</summary>
    public TestProcess App { get; } = app;

    /// <summary>Its sidecar, or null.</summary>
    public TestProcess? Sidecar { get; } = sidecar;

    /// <summary>Its base URL.</summary>
    public string Url { get; } = url;

    /// <summary>Kills the sources process (SIGKILL), leaving its sidecar.</summary>
    public Task KillAsync() => App.KillAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        if (Sidecar is not null) await Sidecar.DisposeAsync();
    }
}

/// <summary>The end-to-end tests share one stack and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class SourcesCollection : ICollectionFixture<SourcesStack>
{
    /// <summary>Collection name.</summary>
    public const string Name = "sources";
}
