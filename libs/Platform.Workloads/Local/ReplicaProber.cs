using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Platform.Workloads.Local;

/// <summary>Where a probe goes: the replica's address, and how its process runs (for exec probes).</summary>
/// <param name="Host">The replica's host (loopback).</param>
/// <param name="Port">The replica's <c>PORT</c>.</param>
/// <param name="Plan">How the replica was started: exec probes run with its environment and working directory.</param>
internal sealed record ProbeTarget(string Host, int Port, LaunchPlan Plan);

/// <summary>
/// Runs one probe of any kind against a replica, as the kubelet does: TCP connect; HTTP GET answered 200..399; a
/// command that exits 0 (run beside the process with its environment and working directory, or <c>docker exec</c> in
/// its container); <c>grpc.health.v1.Health/Check</c> answered <c>SERVING</c>. Each within the probe's timeout.
/// </summary>
internal sealed class ReplicaProber : IDisposable
{
    private readonly HttpClient _http;
    private readonly SocketsHttpHandler _grpcHandler;

    public ReplicaProber()
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(1),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5),
            // Kubernetes does not verify a probe's certificate either.
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _grpcHandler = new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectTimeout = TimeSpan.FromSeconds(1),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5),
        };
    }

    public async Task<bool> ProbeAsync(ProbeTarget target, ProbeCheck check, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, check.TimeoutSeconds)));
        try
        {
            return check.Kind switch
            {
                ProbeKind.Http => await HttpAsync(target, check, cts.Token),
                ProbeKind.Exec => await ExecAsync(target, check, cts.Token),
                ProbeKind.Grpc => await GrpcAsync(target, check, cts.Token),
                _ => await TcpAsync(target.Host, target.Port, cts.Token),
            };
        }
        catch (Exception e) when (e is SocketException or HttpRequestException or IOException or OperationCanceledException or RpcException or Win32Exception)
        {
            // A probe that fails because the replica is being stopped is not a result: say so to the caller.
            cancellationToken.ThrowIfCancellationRequested();
            return false;
        }
    }

    private static async Task<bool> TcpAsync(string host, int port, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(host), port), cancellationToken);
        return true;
    }

    private async Task<bool> HttpAsync(ProbeTarget target, ProbeCheck check, CancellationToken cancellationToken)
    {
        var scheme = check.Scheme == "HTTPS" ? "https" : "http";
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{scheme}://{target.Host}:{target.Port}{check.Path}"));
        request.Headers.TryAddWithoutValidation("User-Agent", "kube-probe/platform");
        foreach (var (name, value) in check.Headers)
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return (int)response.StatusCode is >= 200 and < 400;
    }

    private async Task<bool> GrpcAsync(ProbeTarget target, ProbeCheck check, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress($"http://{target.Host}:{target.Port}", new GrpcChannelOptions { HttpHandler = _grpcHandler, DisposeHttpClient = false });
        var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = check.GrpcService }, cancellationToken: cancellationToken);
        return reply.Status == HealthCheckResponse.Types.ServingStatus.Serving;
    }

    private static async Task<bool> ExecAsync(ProbeTarget target, ProbeCheck check, CancellationToken cancellationToken)
    {
        var plan = target.Plan;
        var start = new ProcessStartInfo
        {
            WorkingDirectory = plan.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        IEnumerable<string> command = check.Command;
        if (plan.DockerContainer is { } container)
        {
            // The replica is a container: the command runs inside it, as the kubelet's exec does.
            start.FileName = "docker";
            command = ["exec", container, .. check.Command];
        }
        else
        {
            start.FileName = check.Command[0];
            command = check.Command.Skip(1);
            start.Environment.Clear();
            foreach (var (key, value) in plan.Environment)
            {
                start.Environment[key] = value;
            }
        }

        foreach (var argument in command)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new Win32Exception("the probe's command did not start");
        // Output is read and dropped: a chatty probe must not block on a full pipe.
        var drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(CancellationToken.None), process.StandardError.ReadToEndAsync(CancellationToken.None));
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Exited meanwhile.
            }

            throw;
        }

        await drain;
        return process.ExitCode == 0;
    }

    public void Dispose()
    {
        _http.Dispose();
        _grpcHandler.Dispose();
    }
}
