using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Platform.Sidecar.Tests.Infrastructure;
using Platform.Testing;

namespace Platform.Sidecar.Tests.State;

/// <summary>
/// Real processes sharing one registry and DAPR_API_TOKEN "secret": app "callee" (APP_API_TOKEN "app-secret") with
/// its sidecar, and a sidecar "caller" without app. Components: state.redis "statestore", state.in-memory
/// "memstore", pubsub.in-memory "mempubsub".
/// </summary>
public sealed class ServiceTopology : IAsyncLifetime
{
    /// <summary>The API token every sidecar requires.</summary>
    public const string Token = "secret";

    private readonly SidecarEnvironment _environment = new();
    private readonly List<IAsyncDisposable> _owned = [];

    /// <summary>The Redis server.</summary>
    public RedisServer Redis { get; } = new();

    /// <summary>Sidecar without app.</summary>
    public SidecarProcess Caller { get; private set; } = null!;

    /// <summary>Callee's sidecar.</summary>
    public SidecarProcess CalleeSidecar { get; private set; } = null!;

    /// <summary>The callee app.</summary>
    public TestApp Callee { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await Redis.InitializeAsync();
        if (Redis.Unavailable is not null) return;
        _environment
            .WithFile("statestore.yaml", SidecarEnvironment.Component("statestore", "state.redis", ("redisHost", Redis.HostPort)))
            .WithFile("memory.yaml", SidecarEnvironment.Component("memstore", "state.in-memory") + "\n---\n" + SidecarEnvironment.Component("mempubsub", "pubsub.in-memory"));
        Callee = await TestApp.StartAsync(app =>
        {
            app.MapGet("/hello", (HttpRequest r) => Results.Json($"hello from callee, caller {r.Headers["dapr-caller-app-id"]}"));
            app.MapPost("/echo/{id}", async (string id, HttpRequest r) => Results.Text(id + ":" + await new StreamReader(r.Body).ReadToEndAsync(), "text/plain"));
            app.MapPost("/memory-events", () => Results.Ok()).WithTopic("mempubsub", "local");
        });
        _owned.Add(Callee);
        var sidecars = await StartAllAsync(
            SidecarProcess.StartAsync("caller", _environment, apiToken: Token),
            SidecarProcess.StartAsync("callee", _environment, Callee.Port, apiToken: Token, appApiToken: "app-secret"));
        (Caller, CalleeSidecar) = (sidecars[0], sidecars[1]);
    }

    // Every sidecar that did start is owned (and killed on dispose) even when another one fails.
    private async Task<SidecarProcess[]> StartAllAsync(params Task<SidecarProcess>[] starts)
    {
        try
        {
            return await Task.WhenAll(starts);
        }
        finally
        {
            lock (_owned) _owned.AddRange(starts.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
            if (starts.Any(t => !t.IsCompletedSuccessfully)) await DisposeAsync();
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        List<IAsyncDisposable> owned;
        lock (_owned) { owned = [.. _owned]; _owned.Clear(); }
        foreach (var d in owned.AsEnumerable().Reverse()) await d.DisposeAsync();
        await Redis.DisposeAsync();
        _environment.Dispose();
    }
}
