using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Platform.Benchmarks.Harness;
using Platform.Testing;
using StackExchange.Redis;

namespace Platform.Benchmarks.Sidecar;

/// <summary>
/// Publish → delivery through two local sidecar processes (publisher app's and subscriber app's) over Redis on
/// loopback with 1 KiB payloads: p50/p99 latency (one message in flight) and messages/s (many in flight), against
/// raw Redis XADD/XREADGROUP/XACK with the same payloads in the same run.
/// </summary>
public sealed class SidecarPubSubBenchmark : IBenchmark
{
    private const int PayloadBytes = 1024;

    /// <inheritdoc />
    public string Name => "sidecar-pubsub";

    /// <inheritdoc />
    public string Description => "publish→delivery via two sidecars over Redis (1 KiB): p50 and msg/s vs raw XADD/XREADGROUP";

    /// <inheritdoc />
    public async Task RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var latencyCount = options.Short ? 400 : 3000;
        var throughputCount = options.Short ? 6000 : 40000;
        const int inFlight = 64;

        await using var redis = new RedisLifetime();
        await redis.Server.InitializeAsync();
        if (redis.Server.Unavailable is not null)
        {
            Console.WriteLine($"  skipped: {redis.Server.Unavailable}");
            return;
        }

        // Baseline first: raw Redis streams, same payloads.
        var raw = await RawRedisAsync(redis.Server, latencyCount, throughputCount, inFlight, cancellationToken);

        var root = Path.Combine(Path.GetTempPath(), "platform-bench-sidecar-" + Guid.NewGuid().ToString("N")[..8]);
        var resources = Directory.CreateDirectory(Path.Combine(root, "resources")).FullName;
        var registry = Directory.CreateDirectory(Path.Combine(root, "registry")).FullName;
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
                value: "{redis.Server.HostPort}"
              - name: concurrency
                value: "{inFlight * 2}"
              - name: queueDepth
                value: "200"
            """, cancellationToken);

        await using var subscriber = await SubscriberApp.StartAsync();
        await using var pub = await SidecarChild.StartAsync("bench-pub", null, resources, registry, cancellationToken);
        await using var sub = await SidecarChild.StartAsync("bench-sub", subscriber.Port, resources, registry, cancellationToken);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{pub.GrpcPort}");
        var client = new Dapr.Client.Autogen.Grpc.v1.Dapr.DaprClient(channel);

        // Warm up both paths (JIT, connections).
        await PublishAndWaitAsync(client, subscriber, 200, 16, cancellationToken);
        var sidecarLatency = await LatencyAsync(latencyCount, async () => await PublishAndWaitAsync(client, subscriber, 1, 1, cancellationToken));
        var sidecarRate = await ThroughputAsync(throughputCount, () => PublishAndWaitAsync(client, subscriber, throughputCount, inFlight, cancellationToken));

        Console.WriteLine($"  raw redis    : p50 {raw.Latency.P50:F3} ms  p99 {raw.Latency.P99:F3} ms  {raw.Rate,9:F0} msg/s");
        Console.WriteLine($"  via sidecars : p50 {sidecarLatency.P50:F3} ms  p99 {sidecarLatency.P99:F3} ms  {sidecarRate,9:F0} msg/s");
        Console.WriteLine($"  ratio        : p50 x{sidecarLatency.P50 / raw.Latency.P50:F2} of raw, throughput {sidecarRate / raw.Rate:P0} of raw");
        Console.WriteLine($"  goal         : p50 <= 1 ms ({(sidecarLatency.P50 <= 1 ? "met" : "not met")}), >= 20000 msg/s ({(sidecarRate >= 20000 ? "met" : "not met")})");
        try { Directory.Delete(root, true); } catch (IOException) { }
    }

    private static byte[] Payload(long ticks)
    {
        // {"t":<ticks>,"pad":"xxxx"} padded to 1 KiB.
        var head = $"{{\"t\":{ticks},\"pad\":\"";
        var pad = new string('x', PayloadBytes - head.Length - 2);
        return Encoding.UTF8.GetBytes(head + pad + "\"}");
    }

    private static async Task PublishAndWaitAsync(Dapr.Client.Autogen.Grpc.v1.Dapr.DaprClient client, SubscriberApp app, int count, int inFlight, CancellationToken cancellationToken)
    {
        var target = app.Delivered + count;
        var next = 0;
        var workers = Enumerable.Range(0, inFlight).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= count)
            {
                await client.PublishEventAsync(new PublishEventRequest
                {
                    PubsubName = "pubsub",
                    Topic = "bench",
                    Data = ByteString.CopyFrom(Payload(Stopwatch.GetTimestamp())),
                    DataContentType = "application/json",
                }, cancellationToken: cancellationToken);
            }
        });
        await Task.WhenAll(workers);
        await app.WaitForAsync(target, cancellationToken);
    }

    private static async Task<(double P50, double P99)> LatencyAsync(int count, Func<Task> once)
    {
        var samples = new double[count];
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await once();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(samples);
        return (samples[count / 2], samples[(int)(count * 0.99)]);
    }

    private static async Task<double> ThroughputAsync(int count, Func<Task> run)
    {
        var start = Stopwatch.GetTimestamp();
        await run();
        return count / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static async Task<((double P50, double P99) Latency, double Rate)> RawRedisAsync(RedisServer server, int latencyCount, int throughputCount, int inFlight, CancellationToken cancellationToken)
    {
        await using var writer = await ConnectionMultiplexer.ConnectAsync($"{server.HostPort},protocol=resp2");
        await using var reader = await ConnectionMultiplexer.ConnectAsync($"{server.HostPort},protocol=resp2,asyncTimeout=15000");
        var db = writer.GetDatabase();
        await db.StreamCreateConsumerGroupAsync("raw", "raw-group", "0", createStream: true);
        var delivered = 0L;
        var signal = Channel.CreateUnbounded<long>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var consumer = Task.Run(async () =>
        {
            var rdb = reader.GetDatabase();
            while (!stop.IsCancellationRequested)
            {
                var result = await rdb.ExecuteAsync("XREADGROUP", "GROUP", "raw-group", "c1", "COUNT", 200, "BLOCK", 500, "STREAMS", "raw", ">");
                if (result.IsNull) continue;
                foreach (var stream in (RedisResult[])result!)
                    foreach (var entry in (RedisResult[])((RedisResult[])stream!)[1]!)
                    {
                        var pair = (RedisResult[])entry!;
                        var fields = (RedisResult[])pair[1]!;
                        using var doc = JsonDocument.Parse((byte[])fields[1]!); // read the payload as the app would
                        _ = doc.RootElement.GetProperty("t").GetInt64();
                        db.StreamAcknowledge("raw", "raw-group", (string)pair[0]!, CommandFlags.FireAndForget);
                        signal.Writer.TryWrite(Interlocked.Increment(ref delivered));
                    }
            }
        }, CancellationToken.None);

        async Task RunAsync(int count, int parallel)
        {
            var target = Interlocked.Read(ref delivered) + count;
            var next = 0;
            await Task.WhenAll(Enumerable.Range(0, parallel).Select(async _ =>
            {
                while (Interlocked.Increment(ref next) <= count) await db.StreamAddAsync("raw", "data", Payload(Stopwatch.GetTimestamp()));
            }));
            while (Interlocked.Read(ref delivered) < target) await signal.Reader.ReadAsync(cancellationToken);
        }

        await RunAsync(200, 16);
        var latency = await LatencyAsync(latencyCount, () => RunAsync(1, 1));
        var rate = await ThroughputAsync(throughputCount, () => RunAsync(throughputCount, inFlight));
        stop.Cancel();
        await consumer;
        return (latency, rate);
    }

    private sealed class RedisLifetime : IAsyncDisposable
    {
        public RedisServer Server { get; } = new();

        public async ValueTask DisposeAsync() => await Server.DisposeAsync();
    }

    /// <summary>The subscriber app: answers /dapr/subscribe and counts deliveries on /bench.</summary>
    private sealed class SubscriberApp : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private long _delivered;
        private readonly Channel<long> _signal = Channel.CreateUnbounded<long>();

        private SubscriberApp(WebApplication app, int port)
        {
            _app = app;
            Port = port;
        }

        public int Port { get; }

        public long Delivered => Interlocked.Read(ref _delivered);

        public static async Task<SubscriberApp> StartAsync()
        {
            var port = FreePort.Next();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var self = new SubscriberApp(app, port);
            app.MapGet("/dapr/subscribe", () => Results.Text("""[{"pubsubname":"pubsub","topic":"bench","route":"/bench"}]""", "application/json"));
            app.MapPost("/bench", async (HttpRequest request) =>
            {
                using var doc = await JsonDocument.ParseAsync(request.Body);
                _ = doc.RootElement.GetProperty("data").GetProperty("t").GetInt64();
                self._signal.Writer.TryWrite(Interlocked.Increment(ref self._delivered));
                return Results.Ok();
            });
            await app.StartAsync();
            return self;
        }

        public async Task WaitForAsync(long target, CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            while (Delivered < target) await _signal.Reader.ReadAsync(timeout.Token);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>A sidecar process run from its build output.</summary>
    private sealed class SidecarChild : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly Queue<string> _tail = new();

        private SidecarChild(Process process, int httpPort, int grpcPort)
        {
            _process = process;
            HttpPort = httpPort;
            GrpcPort = grpcPort;
            process.OutputDataReceived += (_, e) => Keep(e.Data);
            process.ErrorDataReceived += (_, e) => Keep(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public int HttpPort { get; }

        public int GrpcPort { get; }

        private void Keep(string? line)
        {
            if (line is null) return;
            lock (_tail)
            {
                _tail.Enqueue(line);
                if (_tail.Count > 30) _tail.Dequeue();
            }
        }

        public static async Task<SidecarChild> StartAsync(string appId, int? appPort, string resources, string registry, CancellationToken cancellationToken)
        {
            var http = FreePort.Next();
            var grpc = FreePort.Next();
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(DllPath());
            foreach (var a in new[] { "--app-id", appId, "--dapr-http-port", http.ToString(), "--dapr-grpc-port", grpc.ToString(), "--resources-path", resources, "--registry-dir", registry, "--log-level", "warn" })
                psi.ArgumentList.Add(a);
            if (appPort is { } p) { psi.ArgumentList.Add("--app-port"); psi.ArgumentList.Add(p.ToString()); }
            psi.Environment.Remove("DAPR_API_TOKEN");
            // Steady-state code from the first message: a long-running sidecar reaches tier-1 anyway, and a short
            // run on a busy machine would otherwise measure the tiering JIT rather than the sidecar.
            psi.Environment["DOTNET_TieredCompilation"] = "0";
            var child = new SidecarChild(Process.Start(psi)!, http, grpc);
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline && !child._process.HasExited)
            {
                try
                {
                    if ((await client.GetAsync($"http://127.0.0.1:{http}/v1.0/healthz", cancellationToken)).StatusCode == System.Net.HttpStatusCode.NoContent) return child;
                }
                catch (HttpRequestException) { }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested) { }
                await Task.Delay(100, cancellationToken);
            }
            string tail;
            lock (child._tail) tail = string.Join('\n', child._tail);
            await child.DisposeAsync();
            throw new InvalidOperationException($"sidecar {appId} did not become healthy:\n{tail}");
        }

        private static string DllPath()
        {
            if (Environment.GetEnvironmentVariable("PLATFORM_SIDECAR_DLL") is { Length: > 0 } overridden) return overridden;
            var bin = AppContext.BaseDirectory; // tests/Benchmarks/bin/{Configuration}/net10.0/
            var configuration = new DirectoryInfo(bin.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // net10.0 → {Configuration}
            var root = new DirectoryInfo(bin);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Platform.sln"))) root = root.Parent;
            return Path.Combine(root!.FullName, "tools", "sidecar", "Platform.Sidecar", "bin", configuration, "net10.0", "platform-sidecar.dll");
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(true);
                    await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                }
            }
            catch (InvalidOperationException) { }
            catch (TimeoutException) { }
            _process.Dispose();
        }
    }
}
