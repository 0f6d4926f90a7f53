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
/// raw Redis XADD/XREADGROUP/XACK with the same payloads, in rounds alternating with the sidecars'. A third path
/// uses Dapr's bulk APIs on both ends (BulkPublishEvent of 100 entries, a bulkSubscribe subscription of up to 100
/// per request), what a Dapr user who wants throughput would use.
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
        const int bulkEntries = 100, bulkInFlight = 4;

        await using var redis = new RedisLifetime();
        await redis.Server.InitializeAsync();
        if (redis.Server.Unavailable is not null)
        {
            Console.WriteLine($"  skipped: {redis.Server.Unavailable}");
            return;
        }

        await using var raw = await RawPath.StartAsync(redis.Server);

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
        await raw.RunAsync(200, 16, cancellationToken);
        await PublishAndWaitAsync(client, subscriber, 200, 16, cancellationToken);
        await BulkPublishAndWaitAsync(client, subscriber, 1000, bulkEntries, bulkInFlight, cancellationToken);

        // Baseline and sidecars alternate in rounds, so that load from elsewhere on the machine hits both alike.
        const int rounds = 3;
        var redisPid = await RedisPidAsync(redis.Server);
        var cpu = new Broker.CpuMeter([("publisher sidecar", pub.Process), ("subscriber sidecar", sub.Process), ("redis", Process.GetProcessById(redisPid))]);
        // The publishing client and the subscriber app run in this process and share the 2 cores with the sidecars.
        var harnessCpu = new Broker.CpuMeter([("benchmark process", Process.GetCurrentProcess())]);
        var sidecarCpu = new Dictionary<string, double>();
        double harnessMicros = 0;
        var rawSamples = new List<double>();
        var sidecarSamples = new List<double>();
        double rawSeconds = 0, sidecarSeconds = 0, bulkSeconds = 0, bulkHarnessMicros = 0;
        var bulkCpu = new Dictionary<string, double>();
        for (var round = 0; round < rounds; round++)
        {
            rawSamples.AddRange(await LatencyAsync(latencyCount / rounds, () => raw.RunAsync(1, 1, cancellationToken)));
            sidecarSamples.AddRange(await LatencyAsync(latencyCount / rounds, () => PublishAndWaitAsync(client, subscriber, 1, 1, cancellationToken)));
            rawSeconds += await TimeAsync(() => raw.RunAsync(throughputCount / rounds, inFlight, cancellationToken));
            cpu.Restart();
            harnessCpu.Restart();
            sidecarSeconds += await TimeAsync(() => PublishAndWaitAsync(client, subscriber, throughputCount / rounds, inFlight, cancellationToken));
            foreach (var (name, us) in cpu.Sample(throughputCount / rounds)) sidecarCpu[name] = sidecarCpu.GetValueOrDefault(name) + us / rounds;
            harnessMicros += harnessCpu.MicrosPerUnit("benchmark process", throughputCount / rounds) / rounds;
            cpu.Restart();
            harnessCpu.Restart();
            bulkSeconds += await TimeAsync(() => BulkPublishAndWaitAsync(client, subscriber, throughputCount / rounds, bulkEntries, bulkInFlight, cancellationToken));
            foreach (var (name, us) in cpu.Sample(throughputCount / rounds)) bulkCpu[name] = bulkCpu.GetValueOrDefault(name) + us / rounds;
            bulkHarnessMicros += harnessCpu.MicrosPerUnit("benchmark process", throughputCount / rounds) / rounds;
        }
        var bulkRate = throughputCount / rounds * rounds / bulkSeconds;
        var rawLatency = Percentiles(rawSamples);
        var sidecarLatency = Percentiles(sidecarSamples);
        var rawRate = throughputCount / rounds * rounds / rawSeconds;
        var sidecarRate = throughputCount / rounds * rounds / sidecarSeconds;

        Console.WriteLine($"  {rounds} alternating rounds; latency: one message at a time; throughput: {inFlight} publishes in flight");
        Console.WriteLine($"  raw redis    : p50 {rawLatency.P50:F3} ms  p99 {rawLatency.P99:F3} ms  {rawRate,9:F0} msg/s");
        Console.WriteLine($"  via sidecars : p50 {sidecarLatency.P50:F3} ms  p99 {sidecarLatency.P99:F3} ms  {sidecarRate,9:F0} msg/s");
        Console.WriteLine($"  ratio        : p50 x{sidecarLatency.P50 / rawLatency.P50:F2} of raw, throughput {sidecarRate / rawRate:P0} of raw");
        Console.WriteLine($"  CPU per message at throughput: {Broker.CpuMeter.Format(sidecarCpu)}");
        // What one message costs everywhere, against what the machine's cores allow at the goal's rate.
        var budget = Environment.ProcessorCount * 1_000_000.0 / 20_000;
        Console.WriteLine($"  plus the benchmark process (gRPC publisher client and subscriber app) {harnessMicros:0} µs: " +
            $"{sidecarCpu.Values.Sum() + harnessMicros:0} µs per message in all, against {budget:0} µs of CPU per message that {Environment.ProcessorCount} cores have at 20000 msg/s");
        Console.WriteLine($"  bulk APIs    : {bulkRate,9:F0} msg/s  (BulkPublishEvent of {bulkEntries}, {bulkInFlight} in flight; bulkSubscribe maxMessagesCount {bulkEntries}, maxAwaitDurationMs 10), {bulkRate / rawRate:P0} of raw");
        Console.WriteLine($"  CPU per message with the bulk APIs: {Broker.CpuMeter.Format(bulkCpu)}; benchmark process {bulkHarnessMicros:0} µs");
        Console.WriteLine($"  goal         : p50 <= 1 ms ({BenchmarkReport.Met(sidecarLatency.P50 <= 1)}), >= 20000 msg/s one event per call ({BenchmarkReport.Met(sidecarRate >= 20000)}), with the bulk APIs ({BenchmarkReport.Met(bulkRate >= 20000)})");
        var report = options.Report;
        report.Baseline($"raw Redis streams: XADD per message ({inFlight} in flight on one multiplexed connection, i.e. pipelined), XREADGROUP COUNT 200 BLOCK on its own connection, JSON parse and a fire-and-forget XACK per message");
        report.Figure("sidecars p50", sidecarLatency.P50, "ms", Goal.Max(1));
        report.Figure("sidecars msg/s", sidecarRate, "1/s", Goal.Min(20_000));
        report.Figure("sidecars p99", sidecarLatency.P99, "ms");
        report.Figure("throughput ratio to raw Redis", sidecarRate / rawRate, "x");
        report.Figure("CPU per message, both sidecars and Redis", sidecarCpu.Values.Sum(), "µs");
        report.Figure("CPU per message, benchmark process (client and app)", harnessMicros, "µs");
        report.Figure("sidecars msg/s, bulk publish and bulk subscribe", bulkRate, "1/s", Goal.Min(20_000));
        report.Figure("CPU per message with the bulk APIs, both sidecars and Redis", bulkCpu.Values.Sum(), "µs");
        try { Directory.Delete(root, true); } catch (IOException) { }
    }

    private static async Task<int> RedisPidAsync(RedisServer server)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync($"{server.HostPort},abortConnect=false,allowAdmin=true");
        var info = (string)(await connection.GetDatabase().ExecuteAsync("INFO", "server"))!;
        var line = info.Split('\n').First(l => l.StartsWith("process_id:", StringComparison.Ordinal));
        return int.Parse(line["process_id:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
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

    private static async Task BulkPublishAndWaitAsync(Dapr.Client.Autogen.Grpc.v1.Dapr.DaprClient client, SubscriberApp app, int count, int entries, int inFlight, CancellationToken cancellationToken)
    {
        var target = app.BulkDelivered + count;
        var next = 0;
        var workers = Enumerable.Range(0, inFlight).Select(async _ =>
        {
            while (true)
            {
                var first = Interlocked.Add(ref next, entries) - entries;
                if (first >= count) break;
                var request = new BulkPublishRequest { PubsubName = "pubsub", Topic = "bench-bulk" };
                for (var i = first; i < Math.Min(first + entries, count); i++)
                    request.Entries.Add(new BulkPublishRequestEntry
                    {
                        EntryId = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        Event = ByteString.CopyFrom(Payload(Stopwatch.GetTimestamp())),
                        ContentType = "application/json",
                    });
                var response = await client.BulkPublishEventAsync(request, cancellationToken: cancellationToken);
                if (response.FailedEntries.Count > 0) throw new InvalidOperationException($"bulk publish: {response.FailedEntries.Count} entries failed: {response.FailedEntries[0].Error}");
            }
        });
        await Task.WhenAll(workers);
        await app.WaitForBulkAsync(target, cancellationToken);
    }

    private static async Task<double[]> LatencyAsync(int count, Func<Task> once)
    {
        var samples = new double[count];
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await once();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        return samples;
    }

    private static (double P50, double P99) Percentiles(List<double> samples)
    {
        var sorted = samples.Order().ToArray();
        return (sorted[sorted.Length / 2], sorted[(int)(sorted.Length * 0.99)]);
    }

    private static async Task<double> TimeAsync(Func<Task> run)
    {
        var start = Stopwatch.GetTimestamp();
        await run();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>
    /// The baseline: the same payloads through one Redis stream and group with no sidecar — XADD per message on one
    /// multiplexed connection, XREADGROUP COUNT 200 BLOCK on another, JSON parse and fire-and-forget XACK per message.
    /// </summary>
    private sealed class RawPath : IAsyncDisposable
    {
        private readonly ConnectionMultiplexer _writer, _reader;
        private readonly Channel<long> _signal = Channel.CreateUnbounded<long>();
        private readonly CancellationTokenSource _stop = new();
        private Task _consumer = Task.CompletedTask;
        private long _delivered;

        private RawPath(ConnectionMultiplexer writer, ConnectionMultiplexer reader)
        {
            _writer = writer;
            _reader = reader;
        }

        public static async Task<RawPath> StartAsync(RedisServer server)
        {
            var writer = await ConnectionMultiplexer.ConnectAsync($"{server.HostPort},protocol=resp2");
            var reader = await ConnectionMultiplexer.ConnectAsync($"{server.HostPort},protocol=resp2,asyncTimeout=15000");
            var path = new RawPath(writer, reader);
            var db = writer.GetDatabase();
            await db.StreamCreateConsumerGroupAsync("raw", "raw-group", "0", createStream: true);
            path._consumer = Task.Run(async () =>
            {
                var rdb = reader.GetDatabase();
                while (!path._stop.IsCancellationRequested)
                {
                    RedisResult result;
                    try { result = await rdb.ExecuteAsync("XREADGROUP", "GROUP", "raw-group", "c1", "COUNT", 200, "BLOCK", 500, "STREAMS", "raw", ">"); }
                    catch (Exception) when (path._stop.IsCancellationRequested) { return; }
                    if (result.IsNull) continue;
                    foreach (var stream in (RedisResult[])result!)
                        foreach (var entry in (RedisResult[])((RedisResult[])stream!)[1]!)
                        {
                            var pair = (RedisResult[])entry!;
                            var fields = (RedisResult[])pair[1]!;
                            using var doc = JsonDocument.Parse((byte[])fields[1]!); // read the payload as the app would
                            _ = doc.RootElement.GetProperty("t").GetInt64();
                            db.StreamAcknowledge("raw", "raw-group", (string)pair[0]!, CommandFlags.FireAndForget);
                            path._signal.Writer.TryWrite(Interlocked.Increment(ref path._delivered));
                        }
                }
            }, CancellationToken.None);
            return path;
        }

        public async Task RunAsync(int count, int parallel, CancellationToken cancellationToken)
        {
            var db = _writer.GetDatabase();
            var target = Interlocked.Read(ref _delivered) + count;
            var next = 0;
            await Task.WhenAll(Enumerable.Range(0, parallel).Select(async _ =>
            {
                while (Interlocked.Increment(ref next) <= count) await db.StreamAddAsync("raw", "data", Payload(Stopwatch.GetTimestamp()));
            }));
            while (Interlocked.Read(ref _delivered) < target) await _signal.Reader.ReadAsync(cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try { await _consumer; } catch (RedisException) { }
            await _writer.DisposeAsync();
            await _reader.DisposeAsync();
            _stop.Dispose();
        }
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
        private long _delivered, _bulkDelivered;
        private readonly Channel<long> _signal = Channel.CreateUnbounded<long>();
        private readonly Channel<long> _bulkSignal = Channel.CreateUnbounded<long>();

        private SubscriberApp(WebApplication app, int port)
        {
            _app = app;
            Port = port;
        }

        public int Port { get; }

        public long Delivered => Interlocked.Read(ref _delivered);

        public long BulkDelivered => Interlocked.Read(ref _bulkDelivered);

        public static async Task<SubscriberApp> StartAsync()
        {
            var port = FreePort.Next();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var self = new SubscriberApp(app, port);
            app.MapGet("/dapr/subscribe", () => Results.Text("""
                [{"pubsubname":"pubsub","topic":"bench","route":"/bench"},
                 {"pubsubname":"pubsub","topic":"bench-bulk","route":"/bench-bulk","bulkSubscribe":{"enabled":true,"maxMessagesCount":100,"maxAwaitDurationMs":10}}]
                """, "application/json"));
            // Bulk: read each entry's event as the app would, answer SUCCESS per entry id.
            app.MapPost("/bench-bulk", async (HttpRequest request) =>
            {
                using var doc = await JsonDocument.ParseAsync(request.Body);
                var answer = new System.Buffers.ArrayBufferWriter<byte>();
                var n = 0;
                using (var w = new Utf8JsonWriter(answer))
                {
                    w.WriteStartObject();
                    w.WriteStartArray("statuses");
                    foreach (var entry in doc.RootElement.GetProperty("entries").EnumerateArray())
                    {
                        _ = entry.GetProperty("event").GetProperty("data").GetProperty("t").GetInt64();
                        w.WriteStartObject();
                        w.WriteString("entryId", entry.GetProperty("entryId").GetString());
                        w.WriteString("status", "SUCCESS");
                        w.WriteEndObject();
                        n++;
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                self._bulkSignal.Writer.TryWrite(Interlocked.Add(ref self._bulkDelivered, n));
                return Results.Bytes(answer.WrittenMemory.ToArray(), "application/json");
            });
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

        public async Task WaitForBulkAsync(long target, CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            while (BulkDelivered < target) await _bulkSignal.Reader.ReadAsync(timeout.Token);
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

        /// <summary>The sidecar process (CPU accounting).</summary>
        public Process Process => _process;

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
            SteadyStateCode.Apply(psi);
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
