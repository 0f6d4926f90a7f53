using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Benchmarks.Harness;
using Platform.Testing;
using StackExchange.Redis;

namespace Platform.Benchmarks.Broker;

/// <summary>
/// Broker → trigger → subscriber over the real processes (control plane, local sidecar, broker service) and Redis
/// with 1 KiB events: p50/p99 end-to-end latency at a paced 1,000 events/s (one trigger), and sustained events/s
/// into a broker with 10 triggers (every event delivered 10 times), against raw Redis stream throughput
/// (XADD + XREADGROUP + XACK of the same payloads) measured in the same run.
/// </summary>
public sealed class BrokerBenchmark : IBenchmark
{
    private const int PayloadBytes = 1024;

    /// <inheritdoc />
    public string Name => "broker";

    /// <inheritdoc />
    public string Description => "broker→trigger→subscriber on Redis (1 KiB): p50/p99 at 1,000 ev/s, sustained ev/s with 10 triggers vs raw Redis streams";

    /// <inheritdoc />
    public async Task RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var latencyEvents = options.Short ? 1000 : 5000;
        var loadEvents = options.Short ? 2000 : 10000;
        // Warm-up long enough for the services' hot paths to reach tier-1 code (a long-running broker does): a short
        // run on a busy machine would otherwise measure the JIT (up to a third of the services' CPU in a profile).
        var warmEvents = options.Short ? 500 : 1000;
        const int triggers = 10;
        const int rounds = 2;
        var report = options.Report;

        var redis = new RedisServer();
        await redis.InitializeAsync();
        try
        {
            if (redis.Unavailable is not null) { Console.WriteLine($"  skipped: {redis.Unavailable}"); return; }
            await using var topology = await Topology.StartAsync(redis, TelemetryMode.Off, cancellationToken);
            if (topology is null) return;
            await using var sink = await Sink.StartAsync();
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 128 }) { Timeout = TimeSpan.FromSeconds(30) };
            var redisProcess = await RedisProcessAsync(redis);
            var bench = Process.GetCurrentProcess();
            var cpu = new CpuMeter([("broker", topology.Broker), ("sidecar", topology.Sidecar), ("redis", redisProcess), ("bench", bench)]);
            await using var raw = await RawStreams.StartAsync(redis);

            // Latency: one trigger, events paced at 1,000/s.
            var latencyBroker = await topology.BrokerWithTriggersAsync("bench-lat", 1, sink.Url, cancellationToken);
            await SendAsync(http, latencyBroker, warmEvents, 32, sink, "warm", cancellationToken);
            await sink.WaitForAsync(warmEvents, TimeSpan.FromSeconds(120), cancellationToken);
            sink.Reset();
            cpu.Restart();
            var sent = await PacedAsync(http, latencyBroker, latencyEvents, 1000, sink, cancellationToken);
            await sink.WaitForAsync(latencyEvents, TimeSpan.FromSeconds(120), cancellationToken);
            var latencies = sink.Latencies().Order().ToArray();
            var p50 = Percentile(latencies, 0.50);
            var p99 = Percentile(latencies, 0.99);
            var latencyCpu = cpu.PerUnit(latencyEvents);

            // Throughput: ten triggers, as fast as the ingress takes them, in rounds that alternate with the raw Redis
            // baseline (the same number of messages as deliveries), so that load from elsewhere hits both alike.
            var loadBroker = await topology.BrokerWithTriggersAsync("bench-load", triggers, sink.Url, cancellationToken);
            sink.Reset();
            await SendAsync(http, loadBroker, warmEvents, 32, sink, "warm", cancellationToken);
            await sink.WaitForAsync((long)warmEvents * triggers, TimeSpan.FromSeconds(120), cancellationToken);
            await raw.RunAsync(1000, cancellationToken); // warm-up of the baseline
            var rawCpu = new CpuMeter([("redis", redisProcess), ("bench", bench)]);
            double brokerSeconds = 0, ingressSeconds = 0, rawSeconds = 0;
            var brokerCpu = new Dictionary<string, double>();
            var rawCpuTotal = 0.0;
            var perRound = loadEvents / rounds;
            for (var round = 0; round < rounds; round++)
            {
                rawCpu.Restart();
                rawSeconds += await raw.RunAsync(perRound * triggers, cancellationToken);
                rawCpuTotal += rawCpu.Sample((long)perRound * triggers).Values.Sum() / rounds;

                sink.Reset();
                cpu.Restart();
                var watch = Stopwatch.StartNew();
                await SendAsync(http, loadBroker, perRound, 64, sink, "load", cancellationToken);
                ingressSeconds += watch.Elapsed.TotalSeconds;
                await sink.WaitForAsync((long)perRound * triggers, TimeSpan.FromSeconds(300), cancellationToken);
                brokerSeconds += watch.Elapsed.TotalSeconds;
                foreach (var (name, us) in cpu.Sample((long)perRound * triggers)) brokerCpu[name] = brokerCpu.GetValueOrDefault(name) + us / rounds;
            }
            var eventsPerSecond = loadEvents / brokerSeconds;
            var deliveriesPerSecond = (double)loadEvents * triggers / brokerSeconds;
            var rawRate = (double)loadEvents * triggers / rawSeconds;
            var systemCpu = brokerCpu["broker"] + brokerCpu["sidecar"] + brokerCpu["redis"];

            report.Baseline($"raw Redis streams on the same server: XADD of the same 1 KiB payloads pipelined 100 at a time on one connection, XREADGROUP COUNT 200, one XACK per batch; {rounds} rounds alternating with the broker's");
            Console.WriteLine($"  latency at {sent:0} ev/s offered (1 trigger, {latencyEvents} events): p50 {p50:0.00} ms, p99 {p99:0.00} ms  (goal p50 ≤ 3 ms, p99 ≤ 15 ms)");
            Console.WriteLine($"    CPU per event: {latencyCpu}");
            Console.WriteLine($"  sustained with {triggers} triggers ({loadEvents} events in {rounds} rounds): {eventsPerSecond:0} events/s in, {deliveriesPerSecond:0} deliveries/s out (ingress alone {loadEvents / ingressSeconds:0} ev/s)  (goal ≥ 1,000 ev/s in, ≥ 10,000 deliveries/s)");
            Console.WriteLine($"    CPU per delivery: {CpuMeter.Format(brokerCpu)}; broker+sidecar+redis {systemCpu:0} µs (goal ≤ 150 µs)");
            Console.WriteLine($"  baseline raw Redis streams (XADD pipelined ×100 + XREADGROUP 200 + XACK per batch, 1 KiB): {rawRate:0} msg/s, CPU {rawCpuTotal:0} µs per message (redis + client)");
            Console.WriteLine($"  ratio deliveries/s ÷ raw Redis msg/s: {deliveriesPerSecond / rawRate:0.000}; events/s ÷ raw: {eventsPerSecond / rawRate:0.000}; CPU per delivery ÷ raw CPU per message: {systemCpu / rawCpuTotal:0.0}x");
            report.Figure("1 trigger p50 at 1,000 ev/s", p50, "ms", Goal.Max(3));
            report.Figure("1 trigger p99 at 1,000 ev/s", p99, "ms", Goal.Max(15));
            report.Figure("10 triggers deliveries/s", deliveriesPerSecond, "1/s", Goal.Min(10_000));
            report.Figure("10 triggers events/s in", eventsPerSecond, "1/s", Goal.Min(1_000));
            report.Figure("CPU per delivery broker+sidecar+redis", systemCpu, "µs", Goal.Max(150));
            report.Figure("ratio deliveries/s to raw Redis msg/s", deliveriesPerSecond / rawRate, "x");
            report.Figure("ratio CPU per delivery to raw CPU per message", systemCpu / rawCpuTotal, "x");

            // Telemetry: the same load into broker processes that record it, alternating with the first (telemetry off)
            // so that machine noise hits all alike: as `platform up` runs it (metrics on, tracing exporter off, so no span
            // is recorded), and with every span recorded (as with an OTLP endpoint set, minus the export itself).
            await using var observed = await Topology.StartAsync(redis, TelemetryMode.Default, cancellationToken);
            await using var traced = await Topology.StartAsync(redis, TelemetryMode.Spans, cancellationToken);
            if (observed is null || traced is null) return;
            var variants = new[]
            {
                (Name: "off", Broker: loadBroker, Meter: new CpuMeter([("broker", topology.Broker)])),
                (Name: "default", Broker: await observed.BrokerWithTriggersAsync("bench-tele", triggers, sink.Url, cancellationToken), Meter: new CpuMeter([("broker", observed.Broker)])),
                (Name: "spans", Broker: await traced.BrokerWithTriggersAsync("bench-spans", triggers, sink.Url, cancellationToken), Meter: new CpuMeter([("broker", traced.Broker)])),
            };
            foreach (var v in variants.Skip(1))
            {
                sink.Reset();
                await SendAsync(http, v.Broker, 100, 32, sink, "warm", cancellationToken);
                await sink.WaitForAsync(100 * triggers, TimeSpan.FromSeconds(60), cancellationToken);
            }
            var perDelivery = new double[variants.Length];
            const int telemetryRounds = 3;
            for (var round = 0; round < telemetryRounds; round++)
                for (var i = 0; i < variants.Length; i++)
                {
                    sink.Reset();
                    variants[i].Meter.Restart();
                    await SendAsync(http, variants[i].Broker, loadEvents, 64, sink, "load", cancellationToken);
                    await sink.WaitForAsync((long)loadEvents * triggers, TimeSpan.FromSeconds(300), cancellationToken);
                    perDelivery[i] += variants[i].Meter.MicrosPerUnit("broker", (long)loadEvents * triggers) / telemetryRounds;
                }
            Console.WriteLine($"  telemetry: broker CPU per delivery off {perDelivery[0]:0.0} µs, default {perDelivery[1]:0.0} µs (metrics on, tracing exporter off), spans {perDelivery[2]:0.0} µs (every span recorded)");
            Console.WriteLine($"    ratio default/off = {perDelivery[1] / perDelivery[0]:0.000} (goal <= 1.05); spans/off = {perDelivery[2] / perDelivery[0]:0.000}");
            report.Figure("telemetry: broker CPU per delivery, metrics on ÷ off", perDelivery[1] / perDelivery[0], "x", Goal.Max(1.05));
        }
        finally
        {
            await redis.DisposeAsync();
        }
    }

    /// <summary>The redis-server process (its pid from <c>INFO server</c>), for CPU accounting.</summary>
    private static async Task<Process> RedisProcessAsync(RedisServer redis)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync($"{redis.HostPort},abortConnect=false,allowAdmin=true");
        var info = await connection.GetDatabase().ExecuteAsync("INFO", "server");
        var line = ((string)info!).Split('\n').First(l => l.StartsWith("process_id:", StringComparison.Ordinal));
        return Process.GetProcessById(int.Parse(line["process_id:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture));
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static string Data(string tag) => tag + ":" + Stopwatch.GetTimestamp() + ":" + new string('x', PayloadBytes);

    private static HttpContent Content(string type, string data)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(data[..Math.Min(data.Length, PayloadBytes)]));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain");
        content.Headers.TryAddWithoutValidation("ce-specversion", "1.0");
        content.Headers.TryAddWithoutValidation("ce-id", Guid.NewGuid().ToString("N"));
        content.Headers.TryAddWithoutValidation("ce-source", "urn:bench");
        content.Headers.TryAddWithoutValidation("ce-type", type);
        return content;
    }

    private static async Task PostAsync(HttpClient http, Uri broker, string tag, CancellationToken cancellationToken)
    {
        using var content = Content("bench", Data(tag));
        using var response = await http.PostAsync(broker, content, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"broker answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
    }

    private static async Task SendAsync(HttpClient http, Uri broker, int count, int concurrency, Sink sink, string tag, CancellationToken cancellationToken)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < count) await PostAsync(http, broker, tag, cancellationToken);
        }));
    }

    /// <summary>
    /// Sends at a fixed rate: every ~1 ms timer tick, the events that are due by then go out (each stamped when it is
    /// sent). A timer rather than spinning, because a spinning pacer takes one of the two cores from the system under
    /// test. Returns the rate achieved.
    /// </summary>
    private static async Task<double> PacedAsync(HttpClient http, Uri broker, int count, int perSecond, Sink sink, CancellationToken cancellationToken)
    {
        var pending = new List<Task>(count);
        var start = Stopwatch.GetTimestamp();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1));
        var i = 0;
        while (i < count)
        {
            var due = Math.Min(count, (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * perSecond) + 1);
            for (; i < due; i++) pending.Add(PostAsync(http, broker, "lat", cancellationToken));
            if (i < count) await timer.WaitForNextTickAsync(cancellationToken);
        }
        await Task.WhenAll(pending);
        return count / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>
    /// The baseline: the same payloads through one Redis stream and consumer group, with no broker — XADD pipelined 100
    /// at a time, XREADGROUP COUNT 200 on a connection of its own, one XACK per batch read.
    /// </summary>
    private sealed class RawStreams : IAsyncDisposable
    {
        private const string Stream = "bench-raw";
        private readonly ConnectionMultiplexer _connection;
        private readonly byte[] _payload = Encoding.UTF8.GetBytes(new string('x', PayloadBytes));

        private RawStreams(ConnectionMultiplexer connection) => _connection = connection;

        public static async Task<RawStreams> StartAsync(RedisServer redis)
        {
            var connection = await ConnectionMultiplexer.ConnectAsync($"{redis.HostPort},abortConnect=false");
            await connection.GetDatabase().StreamCreateConsumerGroupAsync(Stream, "g", "$", createStream: true);
            return new RawStreams(connection);
        }

        /// <summary>Sends and consumes <paramref name="count"/> messages; returns the seconds it took.</summary>
        public async Task<double> RunAsync(int count, CancellationToken cancellationToken)
        {
            var db = _connection.GetDatabase();
            var watch = Stopwatch.StartNew();
            var producer = Task.Run(async () =>
            {
                for (var i = 0; i < count; i += 100)
                    await Task.WhenAll(Enumerable.Range(0, Math.Min(100, count - i)).Select(_ => db.StreamAddAsync(Stream, "data", _payload)));
            }, cancellationToken);
            var read = 0;
            while (read < count)
            {
                var entries = await db.StreamReadGroupAsync(Stream, "g", "c", ">", 200);
                if (entries.Length == 0) { await Task.Delay(1, cancellationToken); continue; }
                await db.StreamAcknowledgeAsync(Stream, "g", entries.Select(e => e.Id).ToArray());
                read += entries.Length;
            }
            await producer;
            var seconds = watch.Elapsed.TotalSeconds;
            await db.StreamTrimAsync(Stream, 0);
            return seconds;
        }

        public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
    }

    /// <summary>The subscriber: counts deliveries and records end-to-end latency from the timestamp in the data.</summary>
    private sealed class Sink : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<double> _latencies = new();
        private long _count;

        private Sink(WebApplication app) => _app = app;

        public Uri Url { get; private set; } = null!;

        public static async Task<Sink> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var sink = new Sink(app);
            // Lean on purpose (it shares the two cores with the system under test): only the head of the body
            // ("lat:{timestamp}:…") is parsed; Kestrel drains the rest.
            app.MapPost("/", async context =>
            {
                var reader = context.Request.BodyReader;
                var result = await reader.ReadAsync();
                while (!result.IsCompleted && result.Buffer.Length < 32)
                {
                    reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                    result = await reader.ReadAsync();
                }
                var head = result.Buffer.Slice(0, Math.Min(32, result.Buffer.Length));
                Span<byte> bytes = stackalloc byte[32];
                System.Buffers.BuffersExtensions.CopyTo(head, bytes);
                if (TryLatencyStamp(bytes[..(int)head.Length], out var sentAt))
                    sink._latencies.Enqueue(Stopwatch.GetElapsedTime(sentAt).TotalMilliseconds);
                reader.AdvanceTo(result.Buffer.End);
                Interlocked.Increment(ref sink._count);
                context.Response.StatusCode = 202;
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            sink.Url = new Uri(address + "/");
            return sink;
        }

        /// <summary>The send timestamp of a body starting <c>lat:{timestamp}:</c>.</summary>
        private static bool TryLatencyStamp(ReadOnlySpan<byte> head, out long sentAt)
        {
            sentAt = 0;
            if (!head.StartsWith("lat:"u8)) return false;
            var rest = head[4..];
            var end = rest.IndexOf((byte)':');
            return end > 0 && System.Buffers.Text.Utf8Parser.TryParse(rest[..end], out sentAt, out _);
        }

        public void Reset()
        {
            Interlocked.Exchange(ref _count, 0);
            _latencies.Clear();
        }

        public IEnumerable<double> Latencies() => _latencies.ToArray();

        public async Task WaitForAsync(long count, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (Interlocked.Read(ref _count) < count)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"only {Interlocked.Read(ref _count)} of {count} deliveries arrived");
                await Task.Delay(5, cancellationToken);
            }
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }

    /// <summary>How a benchmarked broker records telemetry.</summary>
    private enum TelemetryMode
    {
        /// <summary>No metrics, no tracing.</summary>
        Off,
        /// <summary>As <c>platform up</c> runs it: metrics on, tracing exporter off (nothing records spans).</summary>
        Default,
        /// <summary>Metrics on and every span recorded (no exporter).</summary>
        Spans,
    }

    /// <summary>The control plane, the sidecar and the broker as processes.</summary>
    private sealed class Topology : IAsyncDisposable
    {
        private readonly List<Process> _processes = [];

        /// <summary>The broker service process.</summary>
        public Process Broker { get; private set; } = null!;

        /// <summary>The sidecar process.</summary>
        public Process Sidecar { get; private set; } = null!;
        private readonly string _root = Path.Combine(Path.GetTempPath(), "platform-bench-broker-" + Guid.NewGuid().ToString("N")[..8]);
        private HttpClient _api = null!;
        private Uri _ingress = null!;

        public static async Task<Topology?> StartAsync(RedisServer redis, TelemetryMode telemetry, CancellationToken cancellationToken)
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Directory.Packages.props"))) root = root.Parent;
            // Another build of the services (e.g. an earlier commit, for a before/after measured back to back).
            if (Environment.GetEnvironmentVariable("PLATFORM_BENCH_SERVICES_ROOT") is { Length: > 0 } other) root = new DirectoryInfo(other);
            string Dll(string project, string dll) => Path.Combine(root!.FullName, project, "bin", configuration, "net10.0", dll);
            var controlPlane = Dll("services/serving-controller", "Platform.ServingController.dll");
            var sidecar = Dll("tools/sidecar/Platform.Sidecar", "platform-sidecar.dll");
            var broker = Dll("services/broker", "Platform.Broker.dll");
            foreach (var dll in new[] { controlPlane, sidecar, broker })
                if (!File.Exists(dll)) { Console.WriteLine($"  skipped: {dll} is not built"); return null; }

            var t = new Topology();
            var resources = Directory.CreateDirectory(Path.Combine(t._root, "resources")).FullName;
            var registry = Directory.CreateDirectory(Path.Combine(t._root, "registry")).FullName;
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
                    value: "{redis.HostPort}"
                  - name: concurrency
                    value: "64"
                  - name: queueDepth
                    value: "200"
                """, cancellationToken);
            var cpPort = FreePort.Next();
            t.Start(controlPlane, [], new() { ["APP_PORT"] = cpPort.ToString(), ["ControlPlane__Persistence"] = "memory", ["ControlPlane__PublishChanges"] = "false" });
            await WaitAsync($"http://127.0.0.1:{cpPort}/apis/eventing.knative.dev/v1/brokers", 200, cancellationToken);
            int http = FreePort.Next(), grpc = FreePort.Next();
            t.Start(sidecar, ["--app-id", "broker", "--dapr-http-port", http.ToString(), "--dapr-grpc-port", grpc.ToString(), "--resources-path", resources, "--registry-dir", registry, "--log-level", "warn"], new());
            t.Sidecar = t._processes[^1];
            await WaitAsync($"http://127.0.0.1:{http}/v1.0/healthz", 204, cancellationToken);
            var brokerPort = FreePort.Next();
            t.Start(broker, [], new()
            {
                ["APP_PORT"] = brokerPort.ToString(),
                ["DAPR_GRPC_PORT"] = grpc.ToString(),
                ["DAPR_HTTP_PORT"] = http.ToString(),
                ["ResourceStore__Url"] = $"http://127.0.0.1:{cpPort}/",
                ["Broker__IngressUrl"] = $"http://127.0.0.1:{brokerPort}",
                ["Broker__MaxInFlightPerSubscriber"] = "32",
                ["Broker__ResyncInterval"] = "00:00:01",
                ["Logging__LogLevel__Default"] = "Warning",
                ["Telemetry__Metrics"] = telemetry != TelemetryMode.Off ? "true" : "false",
                ["Telemetry__Tracing"] = telemetry == TelemetryMode.Spans ? "true" : "false",
                ["Telemetry__MetricsPort"] = telemetry != TelemetryMode.Off ? FreePort.Next().ToString() : "0",
            });
            t.Broker = t._processes[^1];
            t._ingress = new Uri($"http://127.0.0.1:{brokerPort}/");
            await WaitAsync(new Uri(t._ingress, "healthz").ToString(), 200, cancellationToken);
            t._api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{cpPort}/") };
            return t;
        }

        private void Start(string dll, string[] args, Dictionary<string, string> environment)
        {
            var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(dll)! };
            psi.ArgumentList.Add(dll);
            foreach (var a in args) psi.ArgumentList.Add(a);
            foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal)).ToList()) psi.Environment.Remove(key);
            foreach (var (k, v) in environment) psi.Environment[k] = v;
            SteadyStateCode.Apply(psi);
            var p = Process.Start(psi)!;
            p.OutputDataReceived += (_, _) => { };
            p.ErrorDataReceived += (_, _) => { };
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            _processes.Add(p);
        }

        private static async Task WaitAsync(string url, int status, CancellationToken cancellationToken)
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
            while (DateTime.UtcNow < deadline)
            {
                try
                {
                    using var r = await http.GetAsync(url, cancellationToken);
                    if ((int)r.StatusCode == status) return;
                }
                catch (HttpRequestException) { }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested) { }
                await Task.Delay(100, cancellationToken);
            }
            throw new TimeoutException(url + " never answered " + status);
        }

        /// <summary>Creates a broker in its own namespace and <paramref name="triggers"/> triggers to <paramref name="sink"/>; waits until all are Ready.</summary>
        public async Task<Uri> BrokerWithTriggersAsync(string ns, int triggers, Uri sink, CancellationToken cancellationToken)
        {
            await CreateAsync("eventing.knative.dev", "brokers", ns, new JsonObject { ["apiVersion"] = "eventing.knative.dev/v1", ["kind"] = "Broker", ["metadata"] = new JsonObject { ["name"] = "default", ["namespace"] = ns } }, cancellationToken);
            for (var i = 0; i < triggers; i++)
                await CreateAsync("eventing.knative.dev", "triggers", ns, new JsonObject
                {
                    ["apiVersion"] = "eventing.knative.dev/v1",
                    ["kind"] = "Trigger",
                    ["metadata"] = new JsonObject { ["name"] = $"t{i}", ["namespace"] = ns },
                    ["spec"] = new JsonObject { ["broker"] = "default", ["filter"] = new JsonObject { ["attributes"] = new JsonObject { ["type"] = "bench" } }, ["subscriber"] = new JsonObject { ["uri"] = sink.ToString() } },
                }, cancellationToken);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (true)
            {
                var list = JsonNode.Parse(await _api.GetStringAsync($"apis/eventing.knative.dev/v1/namespaces/{ns}/triggers", cancellationToken))!["items"]!.AsArray();
                var ready = list.Count(t => t!["status"]?["conditions"]?.AsArray().Any(c => c!["type"]!.GetValue<string>() == "Ready" && c["status"]!.GetValue<string>() == "True") == true);
                if (ready == triggers) break;
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"only {ready} of {triggers} triggers became Ready");
                await Task.Delay(100, cancellationToken);
            }
            return new Uri(_ingress, $"{ns}/default");
        }

        private async Task CreateAsync(string group, string plural, string ns, JsonObject obj, CancellationToken cancellationToken)
        {
            using var content = new StringContent(obj.ToJsonString(), Encoding.UTF8, "application/json");
            using var r = await _api.PostAsync($"apis/{group}/v1/namespaces/{ns}/{plural}", content, cancellationToken);
            if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"create {plural} failed: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync(cancellationToken)}");
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var p in Enumerable.Reverse(_processes))
            {
                try { p.Kill(true); await p.WaitForExitAsync(); } catch (InvalidOperationException) { }
                p.Dispose();
            }
            _api?.Dispose();
            try { Directory.Delete(_root, true); } catch (IOException) { }
        }
    }
}
