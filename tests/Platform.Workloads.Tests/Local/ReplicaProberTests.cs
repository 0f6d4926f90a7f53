using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Workloads.Local;

namespace Platform.Workloads.Tests.Local;

/// <summary>Each probe kind against real endpoints and commands: gRPC health (a real grpc.health.v1 server), exec, HTTP, TCP.</summary>
public sealed class ReplicaProberTests : IAsyncLifetime
{
    private readonly ReplicaProber _prober = new();
    private readonly HealthServiceImpl _health = new();
    private WebApplication? _grpc;
    private int _grpcPort;

    public async Task InitializeAsync()
    {
        _grpcPort = Platform.Testing.FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(_grpcPort, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(_health);
        _grpc = builder.Build();
        _grpc.MapGrpcService<HealthServiceImpl>();
        _health.SetStatus("", HealthCheckResponse.Types.ServingStatus.Serving);
        _health.SetStatus("greeter", HealthCheckResponse.Types.ServingStatus.NotServing);
        await _grpc.StartAsync();
    }

    private static LaunchPlan Plan(Dictionary<string, string>? env = null) =>
        new("/bin/true", [], Path.GetTempPath(), env ?? new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH")! }, null);

    private Task<bool> Probe(ProbeCheck check, int? port = null, LaunchPlan? plan = null) =>
        _prober.ProbeAsync(new ProbeTarget("127.0.0.1", port ?? _grpcPort, plan ?? Plan()), check, CancellationToken.None);

    [Fact]
    public async Task Grpc_probe_passes_when_the_server_or_service_is_serving()
    {
        // The first call pays for the connection and the JIT: a loaded machine may need more than the default second.
        Assert.True(await Probe(new ProbeCheck { Kind = ProbeKind.Grpc, TimeoutSeconds = 20 }));
        Assert.False(await Probe(new ProbeCheck { Kind = ProbeKind.Grpc, GrpcService = "greeter", TimeoutSeconds = 20 }));
        Assert.False(await Probe(new ProbeCheck { Kind = ProbeKind.Grpc, GrpcService = "unknown", TimeoutSeconds = 20 }));
        Assert.False(await Probe(new ProbeCheck { Kind = ProbeKind.Grpc }, port: Platform.Testing.FreePort.Next()));
    }

    [Fact]
    public async Task Exec_probe_passes_on_exit_0_with_the_replicas_environment()
    {
        var env = new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH")!, ["HEALTH"] = "ok" };
        Assert.True(await Probe(new ProbeCheck { Kind = ProbeKind.Exec, Command = ["sh", "-c", "test \"$HEALTH\" = ok"] }, plan: Plan(env)));
        Assert.False(await Probe(new ProbeCheck { Kind = ProbeKind.Exec, Command = ["sh", "-c", "exit 1"] }));
        Assert.False(await Probe(new ProbeCheck { Kind = ProbeKind.Exec, Command = ["/nonexistent/probe"] }));
        // A command that outlives its timeout fails the probe and is killed.
        Assert.False(await Probe(new ProbeCheck { Kind = ProbeKind.Exec, Command = ["sleep", "30"], TimeoutSeconds = 1 }));
    }

    [Fact]
    public async Task Tcp_probe_passes_when_something_listens()
    {
        Assert.True(await Probe(ProbeCheck.DefaultTcp));
        Assert.False(await Probe(ProbeCheck.DefaultTcp, port: Platform.Testing.FreePort.Next()));
    }

    public async Task DisposeAsync()
    {
        _prober.Dispose();
        if (_grpc is not null) await _grpc.DisposeAsync();
    }
}
