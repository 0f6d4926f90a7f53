using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.Activator.Activation;
using Platform.Activator.Stats;
using Platform.Activator.Throttling;
using Platform.ServiceDefaults;
using Platform.Serving.Contracts.Routing;

namespace Platform.Activator.Tests.Integration;

/// <summary>Counts pokes; the first one completes <see cref="FirstPoke"/>.</summary>
public sealed class RecordingActivationHook : IRevisionActivationHook
{
    private int _count;

    /// <summary>Pokes so far.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Completes with "{ns}/{revision}" at the first poke.</summary>
    public TaskCompletionSource<string> FirstPoke { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <inheritdoc />
    public Task PokeAsync(string @namespace, string revision, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _count);
        FirstPoke.TrySetResult($"{@namespace}/{revision}");
        return Task.CompletedTask;
    }
}

/// <summary>The real activator (same wiring as Program.cs) on a free loopback port, with test hook and sink.</summary>
internal sealed class TestActivator : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestActivator(WebApplication app) => _app = app;

    /// <summary>The ingress port (127.0.0.1).</summary>
    public int Port { get; private init; }

    /// <summary>Port of the HTTP/2-only (h2c prior knowledge) listener.</summary>
    public int H2cPort { get; private init; }

    /// <summary>The loopback control port (<c>/activator/v1/...</c>).</summary>
    public int ControlPort { get; private init; }

    /// <summary>Pokes received.</summary>
    public RecordingActivationHook Pokes { get; private init; } = null!;

    /// <summary>Stats batches received.</summary>
    public InMemoryStatsSink Stats { get; private init; } = null!;

    /// <summary>The activator's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>A client for the control surface, on the control port.</summary>
    public HttpClient Control { get; private set; } = null!;

    /// <summary>Starts the activator with extra <c>Activator:*</c> settings.</summary>
    public static async Task<TestActivator> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Activator:StatsInterval"] = "00:00:00.200",
        });
        var ports = Platform.Testing.FreePort.Many(3);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Activator:Port"] = ports[0].ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Activator:H2cPort"] = ports[1].ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Activator:ControlPort"] = ports[2].ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        var hook = new RecordingActivationHook();
        var sink = new InMemoryStatsSink();
        builder.Services.AddSingleton<IRevisionActivationHook>(hook);
        builder.Services.AddSingleton<IRevisionStatsSink>(sink);
        builder.AddActivator();
        var app = builder.Build();
        app.UseActivator();
        app.MapDefaultEndpoints();
        await app.StartAsync();

        var activator = new TestActivator(app) { Pokes = hook, Stats = sink, Port = ports[0], H2cPort = ports[1], ControlPort = ports[2] };
        activator.Control = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{activator.ControlPort}") };
        return activator;
    }

    /// <summary>
    /// A client whose every connection goes to the activator, whatever host the URL names (as if
    /// <c>*.localhost</c> resolved to it), optionally from <paramref name="localAddress"/>.
    /// </summary>
    public HttpClient Client(IPAddress? localAddress = null, int? port = null) => new(Handler(localAddress, port)) { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The handler behind <see cref="Client"/>, for WebSocket clients.</summary>
    public SocketsHttpHandler Handler(IPAddress? localAddress = null, int? port = null) => new()
    {
        UseProxy = false,
        ConnectCallback = async (_, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                if (localAddress is not null) socket.Bind(new IPEndPoint(localAddress, 0));
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port ?? Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary><c>http://{host}:{port}{path}</c>.</summary>
    public Uri Url(string host, string path = "/") => new($"http://{host}:{Port}{path}");

    /// <summary>Applies a table through <c>PUT /activator/v1/routes</c>; fails the test when refused.</summary>
    public async Task ApplyAsync(RouteTable table)
    {
        using var response = await Control.PutAsJsonAsync("/activator/v1/routes", table);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Sets a revision's endpoints through <c>PUT /activator/v1/revisions/{ns}/{rev}/endpoints</c>.</summary>
    public async Task SetEndpointsAsync(string ns, string revision, params string[] endpoints)
    {
        using var response = await Control.PutAsJsonAsync($"/activator/v1/revisions/{ns}/{revision}/endpoints", new EndpointsUpdate { Endpoints = endpoints });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The live throttler state of a revision.</summary>
    public ThrottlerState State(string ns, string revision) =>
        _app.Services.GetRequiredService<RevisionThrottlers>().Find(ns, revision)!.State;

    /// <summary>Waits (up to 10 s) for <paramref name="condition"/>; fails naming <paramref name="what"/>.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > until) Assert.Fail($"timed out waiting for {what}");
            await Task.Delay(10);
        }
    }

    /// <summary>One service with one revision per backend share: ("hello-00001", 50, null, endpoints...).</summary>
    public static RouteTable Table(string service, int cc, int? timeoutSeconds, string? visibility,
        params (string Revision, int Percent, string? Tag, string[] Endpoints)[] targets) => new()
        {
            Services = [new ServiceRoute
        {
            Namespace = "default", Name = service, Visibility = visibility,
            Traffic = targets.Select(t => new RouteTarget { RevisionName = t.Revision, Percent = t.Percent, Tag = t.Tag }).ToList(),
        }],
            Revisions = targets.Select(t => new RevisionRoute
            {
                Namespace = "default",
                Name = t.Revision,
                ContainerConcurrency = cc,
                TimeoutSeconds = timeoutSeconds,
                Endpoints = t.Endpoints,
            }).ToList(),
        };

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Control.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
