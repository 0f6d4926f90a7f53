using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Activator;
using Platform.Activator.Activation;
using Platform.Activator.Routing;
using Platform.Activator.Stats;
using Platform.Benchmarks.Harness;
using Platform.Serving.Contracts.Routing;
using Platform.Testing;

namespace Platform.Benchmarks.Activator;

/// <summary>
/// The activator's data path against a tiny backend: (a) added latency at a fixed 1,000 req/s versus calling the
/// backend directly, (b) peak throughput versus nginx <c>proxy_pass</c> to the same backend.
/// </summary>
public sealed class ActivatorBenchmark : IBenchmark
{
    private const string Nginx = "/usr/sbin/nginx";
    private const string ServiceHost = "hello.default.localhost";

    /// <inheritdoc />
    public string Name => "activator";

    /// <inheritdoc />
    public string Description => "activator: added latency at 1,000 req/s vs direct; peak req/s vs nginx proxy_pass";

    /// <inheritdoc />
    public async Task RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var fixedSeconds = options.Short ? 2 : 20;
        var peakSeconds = options.Short ? 2 : 10;
        // 5 s of warm-up per target in both modes: the activator runs tiered compilation with dynamic PGO, as users run
        // it, and at 1,000 req/s it needs seconds to finish rejitting its hot path; a long-running activator has that
        // behind it. After 1 s its instrumented code was still running: added p50 +1.0 to +1.7 ms, p90 4-7 ms; after
        // 5 s, +0.4 and +0.6 ms in two runs (ratio 0.75 and 0.67 against 0.57 at 1 s).
        var warmup = TimeSpan.FromSeconds(5);
        var slice = TimeSpan.FromMilliseconds(500);

        await using var backend = await TinyBackend.StartAsync();
        // The activators' Dapr HTTP port: it takes their stats each second as a sidecar would, so that each stats tick
        // posts and succeeds as in a platform (until 2026-12-08 it was a closed port, and every post failed).
        await using var statsIntake = await StatsIntake.StartAsync();
        // Three activators on the same backend: telemetry off (Telemetry:Metrics=false, Tracing=false); as `platform up`
        // runs it (metrics with the Prometheus endpoint, tracing wired with its exporter off, so no span is recorded);
        // and with every request's spans recorded (as when an OTLP endpoint is set, minus the export itself).
        await using var activator = await ActivatorProcess.StartAsync(backend.Port, statsIntake.Port, Telemetry.Off, cancellationToken);
        await using var observed = await ActivatorProcess.StartAsync(backend.Port, statsIntake.Port, Telemetry.Default, cancellationToken);
        await using var traced = await ActivatorProcess.StartAsync(backend.Port, statsIntake.Port, Telemetry.Spans, cancellationToken);
        await using var nginx = await NginxProxy.TryStartAsync(backend.Port, cancellationToken);

        using var direct = Client(backend.Port);
        using var viaActivator = Client(activator.Port);
        using var viaObserved = Client(observed.Port);
        using var viaTraced = Client(traced.Port);
        var directUrl = new Uri($"http://127.0.0.1:{backend.Port}/");
        var activatorUrl = new Uri($"http://{ServiceHost}:{activator.Port}/");
        var observedUrl = new Uri($"http://{ServiceHost}:{observed.Port}/");
        var tracedUrl = new Uri($"http://{ServiceHost}:{traced.Port}/");

        // (a) Open loop at a fixed rate: each request starts on schedule whether or not earlier ones finished.
        // Direct and activator alternate in half-second slices so that load from elsewhere on the machine hits both alike.
        Console.WriteLine($"(a) fixed 1,000 req/s, {fixedSeconds} s each for direct and activator in alternating {slice.TotalMilliseconds:0} ms slices (after {warmup.TotalSeconds:0} s warm-up each, and 40 s in all with 20 req/s to every activator), GET / of a {TinyBackend.Body.Length}-byte answer");
        // The stats path warms up too. An activator posts its stats once a second, and only after a second with traffic,
        // so that code reaches the 30 calls that tiered compilation promotes at only after half a minute of traffic; a
        // long-running activator has that behind it. Without it, each stats tick of the measurement ran unoptimized code
        // and the tiering thread's recompilations (2-8 ms of stalled requests per tick; a perf trace showed the
        // activators' tiering threads busy at each tick), which was the whole p99 of whichever targets' 500 ms slices the
        // ticks fell in, since the ticks keep the same point of each wall-clock second (StatsReporter.NextTick). A
        // trickle of 20 req/s to every activator, for the sequential warm-ups and then up to 40 s, gives each 40 stats
        // posts; it stops before the measurement.
        var statsWarmUp = Stopwatch.StartNew();
        using (var trickleStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var trickle = Task.WhenAll(
                TrickleAsync(viaActivator, activatorUrl, trickleStop.Token),
                TrickleAsync(viaObserved, observedUrl, trickleStop.Token),
                TrickleAsync(viaTraced, tracedUrl, trickleStop.Token));
            await FixedRateAsync(direct, directUrl, 1000, warmup, cancellationToken);
            await FixedRateAsync(viaActivator, activatorUrl, 1000, warmup, cancellationToken);
            await FixedRateAsync(viaObserved, observedUrl, 1000, warmup, cancellationToken);
            await FixedRateAsync(viaTraced, tracedUrl, 1000, warmup, cancellationToken);
            var rest = TimeSpan.FromSeconds(40) - statsWarmUp.Elapsed;
            if (rest > TimeSpan.Zero) await Task.Delay(rest, cancellationToken);
            await trickleStop.CancelAsync();
            await trickle;
        }
        var postsBefore = StatsIntake.Batches;
        var warmUpSeconds = statsWarmUp.Elapsed.TotalSeconds;
        var d = new List<Sample>();
        var a = new List<Sample>();
        var o = new List<Sample>();
        var spans = new List<Sample>();
        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromSeconds(fixedSeconds); elapsed += slice)
        {
            d.Add(await FixedRateAsync(direct, directUrl, 1000, slice, cancellationToken));
            a.Add(await FixedRateAsync(viaActivator, activatorUrl, 1000, slice, cancellationToken));
            o.Add(await FixedRateAsync(viaObserved, observedUrl, 1000, slice, cancellationToken));
            spans.Add(await FixedRateAsync(viaTraced, tracedUrl, 1000, slice, cancellationToken));
        }
        var ds = Summarise(d);
        var @as = Summarise(a);
        var os = Summarise(o);
        var ts = Summarise(spans);
        Console.WriteLine($"    direct    : {ds}");
        Console.WriteLine($"    activator : {@as}   (telemetry off)");
        Console.WriteLine($"    default   : {os}   (metrics on, tracing exporter off)");
        Console.WriteLine($"    spans     : {ts}   (metrics on, every span recorded)");
        Console.WriteLine($"    (the activators posted stats {postsBefore} times in the {warmUpSeconds:0} s of warm-up and {StatsIntake.Batches - postsBefore} times while measured, to the sidecar's stand-in)");
        Console.WriteLine($"    added p50 {@as.P50 - ds.P50:+0.000;-0.000} ms (goal <= +0.3)  added p99 {@as.P99 - ds.P99:+0.000;-0.000} ms (goal <= +2)");
        Console.WriteLine($"    metrics + tracing (exporter off) add p50 {os.P50 - @as.P50:+0.000;-0.000} ms (goal <= +0.05), ratio p50 {os.P50 / @as.P50:0.000}; recording every span adds p50 {ts.P50 - @as.P50:+0.000;-0.000} ms");
        var report = options.Report;
        report.Baseline("the backend called directly (a) and nginx proxy_pass to the same backend (b), same client and connections, alternating slices");
        report.Figure("added p50 at 1,000 req/s", @as.P50 - ds.P50, "ms", Goal.Max(0.3));
        report.Figure("added p99 at 1,000 req/s", @as.P99 - ds.P99, "ms", Goal.Max(2));
        report.Figure("telemetry: added p50, metrics + tracing (exporter off) vs off", os.P50 - @as.P50, "ms", Goal.Max(0.05));

        // (b) Closed loop: a fixed number of workers send back to back; activator and nginx alternate in 1 s slices.
        const int workers = 32;
        Console.WriteLine($"(b) peak throughput, {workers} concurrent clients, {peakSeconds} s each in alternating 1 s slices");
        using var viaNginx = nginx is null ? null : Client(nginx.Port);
        var nginxUrl = nginx is null ? null : new Uri($"http://{ServiceHost}:{nginx.Port}/");
        var targets = new List<(string Name, HttpClient Client, Uri Url)> { ("direct", direct, directUrl), ("activator", viaActivator, activatorUrl) };
        if (viaNginx is not null) targets.Add(("nginx", viaNginx, nginxUrl!));
        foreach (var t in targets) await PeakAsync(t.Client, t.Url, workers, warmup, cancellationToken);
        var totals = targets.ToDictionary(t => t.Name, _ => (Count: 0.0, Seconds: 0.0));
        for (var i = 0; i < peakSeconds; i++)
            foreach (var t in targets)
            {
                var (count, seconds) = await PeakAsync(t.Client, t.Url, workers, TimeSpan.FromSeconds(1), cancellationToken);
                totals[t.Name] = (totals[t.Name].Count + count, totals[t.Name].Seconds + seconds);
            }
        double Rate(string name) => totals[name].Count / totals[name].Seconds;
        Console.WriteLine($"    direct    : {Rate("direct"):0} req/s");
        Console.WriteLine($"    activator : {Rate("activator"):0} req/s");
        if (nginx is null)
        {
            Console.WriteLine($"    nginx     : baseline skipped ({Nginx} not found or did not start)");
            report.Figure("peak req/s", Rate("activator"), "1/s");
            return;
        }
        Console.WriteLine($"    nginx     : {Rate("nginx"):0} req/s");
        Console.WriteLine($"    ratio activator / nginx = {Rate("activator") / Rate("nginx"):0.00} (goal >= 1.0)");
        report.Figure("peak req/s", Rate("activator"), "1/s");
        report.Figure("ratio peak activator/nginx", Rate("activator") / Rate("nginx"), "x", Goal.Min(1.0));
    }

    /// <summary>A client whose connections all go to 127.0.0.1:<paramref name="port"/>, whatever the URL's host.</summary>
    private static HttpClient Client(int port) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        ConnectCallback = async (_, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
            return new NetworkStream(socket, ownsSocket: true);
        },
    })
    { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>How an activator of the benchmark records telemetry.</summary>
    private enum Telemetry
    {
        /// <summary>No metrics, no tracing.</summary>
        Off,
        /// <summary>As <c>platform up</c> runs it: metrics on, tracing exporter off (nothing records spans).</summary>
        Default,
        /// <summary>Metrics on and every span recorded (no exporter).</summary>
        Spans,
    }

    /// <summary>Latencies (ms) of one slice and its failures.</summary>
    private sealed record Sample(double[] Latencies, int Failed, double Seconds);

    private sealed record Summary(int Count, int Failed, double P50, double P90, double P99, double Max, double Rate)
    {
        public override string ToString() =>
            $"{Count} requests ({Failed} failed) at {Rate:0} req/s: p50 {P50:0.000} ms  p90 {P90:0.000} ms  p99 {P99:0.000} ms  max {Max:0.0} ms";
    }

    private static Summary Summarise(List<Sample> samples)
    {
        var all = samples.SelectMany(s => s.Latencies).ToArray();
        Array.Sort(all);
        return new Summary(all.Length, samples.Sum(s => s.Failed), Percentile(all, 0.50), Percentile(all, 0.90), Percentile(all, 0.99),
            all.Length == 0 ? double.NaN : all[^1], all.Length / samples.Sum(s => s.Seconds));
    }

    private static async Task<Sample> FixedRateAsync(HttpClient client, Uri url, int rate, TimeSpan duration, CancellationToken ct)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var latencies = new double[total];
        var failed = 0;
        var pending = new List<Task>(total);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < total && !ct.IsCancellationRequested; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            var wait = due - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait, ct);
            var index = i;
            pending.Add(Task.Run(async () =>
            {
                var t0 = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.GetAsync(url, ct);
                    await response.Content.LoadIntoBufferAsync(ct);
                    if (!response.IsSuccessStatusCode) Interlocked.Increment(ref failed);
                }
                catch (Exception) when (!ct.IsCancellationRequested)
                {
                    Interlocked.Increment(ref failed);
                }
                latencies[index] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            }, ct));
        }
        await Task.WhenAll(pending);
        return new Sample(latencies, failed, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    /// <summary>A few requests a second until <paramref name="stop"/>; failures are ignored (warm-up only).</summary>
    private static async Task TrickleAsync(HttpClient client, Uri url, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await client.GetAsync(url, stop);
                await Task.Delay(50, stop);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
            }
        }
    }

    /// <summary>Workers send back to back for <paramref name="duration"/>; returns responses and seconds measured.</summary>
    private static async Task<(double Count, double Seconds)> PeakAsync(HttpClient client, Uri url, int workers, TimeSpan duration, CancellationToken ct)
    {
        long completed = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var start = Stopwatch.GetTimestamp();
        var tasks = Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await client.GetAsync(url, stop.Token);
                    await response.Content.LoadIntoBufferAsync(stop.Token);
                    if (response.IsSuccessStatusCode) Interlocked.Increment(ref completed);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (HttpRequestException)
                {
                    // counted as not completed
                }
            }
        })).ToList();
        await Task.Delay(duration, ct);
        var count = Interlocked.Read(ref completed);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        stop.Cancel();
        await Task.WhenAll(tasks);
        return (count, elapsed);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    /// <summary>A Kestrel app in this process on a free loopback port, stopped on dispose.</summary>
    private sealed class LoopbackApp(WebApplication app, int port) : IAsyncDisposable
    {
        public int Port { get; } = port;

        public static async Task<LoopbackApp> StartAsync(Action<WebApplication> map)
        {
            var port = FreePort.Next();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            var app = builder.Build();
            map(app);
            await app.StartAsync();
            return new LoopbackApp(app, port);
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Stands in for the activators' sidecar: answers every stats post with 204 and counts them.</summary>
    private static class StatsIntake
    {
        private static int _batches;

        /// <summary>Stats posts received so far.</summary>
        public static int Batches => Volatile.Read(ref _batches);

        public static Task<LoopbackApp> StartAsync() => LoopbackApp.StartAsync(app => app.MapPost("/v1.0/invoke/{appId}/method/stats", () =>
        {
            Interlocked.Increment(ref _batches);
            return Microsoft.AspNetCore.Http.Results.NoContent();
        }));
    }

    /// <summary>The backend: one route answering a fixed body.</summary>
    private static class TinyBackend
    {
        public static readonly byte[] Body = "Hello World!\n"u8.ToArray();

        public static Task<LoopbackApp> StartAsync() => LoopbackApp.StartAsync(app => app.Run(c =>
        {
            c.Response.ContentType = "text/plain";
            c.Response.ContentLength = Body.Length;
            return c.Response.Body.WriteAsync(Body).AsTask();
        }));
    }

    /// <summary>The activator with the same wiring as its Program.cs, routing hello.default to the backend.</summary>
    private sealed class HostedActivator(WebApplication app, int port) : IAsyncDisposable
    {
        public int Port { get; } = port;

        public static async Task<HostedActivator> StartAsync(int backendPort, bool telemetry, bool spans)
        {
            var port = FreePort.Next();
            var builder = WebApplication.CreateBuilder();
            builder.Logging.ClearProviders();
            builder.Configuration["Activator:H2cPort"] = "0";
            builder.Configuration["Activator:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            builder.Configuration["Activator:ControlPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
            builder.Services.AddSingleton<IRevisionActivationHook, NoActivationHook>();
            builder.Services.AddSingleton<IRevisionStatsSink, DiscardingSink>();
            builder.Configuration["Telemetry:Metrics"] = telemetry ? "true" : "false";
            builder.Configuration["Telemetry:Tracing"] = spans ? "true" : "false";
            Platform.ServiceDefaults.Telemetry.TelemetryExtensions.AddPlatformTelemetry(builder, "activator");
            builder.AddActivator();
            var app = builder.Build();
            app.UseActivator();
            await app.StartAsync();
            var result = app.Services.GetRequiredService<IRouteTableStore>().Apply(new RouteTable
            {
                Services = [new ServiceRoute { Namespace = "default", Name = "hello", Traffic = [new RouteTarget { RevisionName = "hello-00001", Percent = 100 }] }],
                Revisions = [new RevisionRoute { Namespace = "default", Name = "hello-00001", Endpoints = [$"127.0.0.1:{backendPort}"] }],
            });
            if (result.Status != ApplyStatus.Applied) throw new InvalidOperationException(string.Join("; ", result.Errors));
            return new HostedActivator(app, port);
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>
    /// The activator as its own process (as deployed, and like nginx: not sharing the load generator's process),
    /// started from its build output with a routes file; falls back to hosting it in this process if not built.
    /// </summary>
    private sealed class ActivatorProcess(Process? process, IAsyncDisposable? inProcess, string? dir, int port) : IAsyncDisposable
    {
        public int Port { get; } = port;

        public static async Task<ActivatorProcess> StartAsync(int backendPort, int daprHttpPort, Telemetry telemetry, CancellationToken ct)
        {
            var dll = FindActivatorDll();
            if (dll is null)
            {
                Console.WriteLine("    (Platform.Activator.dll not found next to the sources: hosting the activator in this process)");
                var hosted = await HostedActivator.StartAsync(backendPort, telemetry != Telemetry.Off, telemetry == Telemetry.Spans);
                return new ActivatorProcess(null, hosted, null, hosted.Port);
            }
            var port = FreePort.Next();
            var dir = Path.Combine(Path.GetTempPath(), "platform-activator-bench-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(dir);
            var routes = Path.Combine(dir, "routes.json");
            File.WriteAllText(routes, $$"""
                {"services":[{"namespace":"default","name":"hello","traffic":[{"revisionName":"hello-00001","percent":100}]}],
                 "revisions":[{"namespace":"default","name":"hello-00001","endpoints":["127.0.0.1:{{backendPort}}"]}]}
                """);
            var start = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { dll },
                WorkingDirectory = Path.GetDirectoryName(dll)!,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment =
                {
                    ["Activator__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["APP_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture), // control port
                    ["Activator__RoutesFile"] = routes,
                    ["Activator__H2cPort"] = "0",
                    // The activator's own log levels, as users run it (per-request framework and YARP lines are off by default).
                    // No sidecar here: stats go to the benchmark's stand-in (answers 204); gRPC to a closed port.
                    ["DAPR_GRPC_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["DAPR_HTTP_PORT"] = daprHttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["Telemetry__Metrics"] = telemetry != Telemetry.Off ? "true" : "false",
                    ["Telemetry__Tracing"] = telemetry == Telemetry.Spans ? "true" : "false",
                    ["Telemetry__MetricsPort"] = telemetry != Telemetry.Off ? FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture) : "0",
                },
            };
            foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(key);
            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var self = new ActivatorProcess(process, null, dir, port);
            using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
            var until = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < until && !process.HasExited)
            {
                try
                {
                    using var r = await probe.GetAsync($"http://127.0.0.1:{port}/healthz", ct);
                    if (r.IsSuccessStatusCode) return self;
                }
                catch (HttpRequestException) { }
                catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
                await Task.Delay(100, ct);
            }
            await self.DisposeAsync();
            throw new InvalidOperationException($"the activator ({dll}) did not become healthy on port {port}");
        }

        private static string? FindActivatorDll()
        {
            // The benchmark's own output path tells the configuration it was built with (bin/<Configuration>/<tfm>/).
            var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var tfm = baseDir.Name;
            var configuration = baseDir.Parent?.Name ?? "Release";
            for (var dir = baseDir; dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "services", "activator", "bin", configuration, tfm, "Platform.Activator.dll");
                if (File.Exists(candidate)) return candidate;
            }
            return null;
        }

        public async ValueTask DisposeAsync()
        {
            if (inProcess is not null) await inProcess.DisposeAsync();
            if (process is not null)
            {
                try
                {
                    if (!process.HasExited) process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                }
                catch (InvalidOperationException) { }
                process.Dispose();
            }
            if (dir is not null) try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Stats go nowhere: the benchmark measures the data path with stats recorded but not published.</summary>
    private sealed class DiscardingSink : IRevisionStatsSink
    {
        public Task ReportAsync(StatsBatch batch, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Debian's nginx in the foreground with a generated config, all files in a temporary folder.</summary>
    private sealed class NginxProxy : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string _dir;

        private NginxProxy(Process process, string dir, int port)
        {
            _process = process;
            _dir = dir;
            Port = port;
        }

        public int Port { get; }

        public static async Task<NginxProxy?> TryStartAsync(int backendPort, CancellationToken ct)
        {
            if (!File.Exists(Nginx)) return null;
            var port = FreePort.Next();
            var dir = Path.Combine(Path.GetTempPath(), "platform-nginx-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(dir);
            var config = $$"""
                daemon off;
                worker_processes auto;
                pid {{dir}}/nginx.pid;
                error_log {{dir}}/error.log warn;
                events { worker_connections 4096; }
                http {
                    access_log off;
                    client_body_temp_path {{dir}}/client_body;
                    proxy_temp_path {{dir}}/proxy;
                    fastcgi_temp_path {{dir}}/fastcgi;
                    uwsgi_temp_path {{dir}}/uwsgi;
                    scgi_temp_path {{dir}}/scgi;
                    upstream backend { server 127.0.0.1:{{backendPort}}; keepalive 64; }
                    server {
                        listen 127.0.0.1:{{port}};
                        location / {
                            proxy_pass http://backend;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_set_header Host $host;
                            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        }
                    }
                }
                """;
            File.WriteAllText(Path.Combine(dir, "nginx.conf"), config);
            var start = new ProcessStartInfo(Nginx)
            {
                ArgumentList = { "-p", dir, "-c", Path.Combine(dir, "nginx.conf"), "-e", Path.Combine(dir, "error.log") },
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            Process process;
            try
            {
                process = Process.Start(start)!;
            }
            catch (Exception e)
            {
                Console.WriteLine($"    nginx did not start: {e.Message}");
                return null;
            }
            var proxy = new NginxProxy(process, dir, port);
            var until = DateTime.UtcNow.AddSeconds(10);
            while (DateTime.UtcNow < until && !process.HasExited)
            {
                try
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync(IPAddress.Loopback, port, ct);
                    return proxy;
                }
                catch (SocketException)
                {
                    await Task.Delay(50, ct);
                }
            }
            Console.WriteLine($"    nginx did not listen: {(process.HasExited ? await process.StandardError.ReadToEndAsync(ct) : "timeout")}");
            await proxy.DisposeAsync();
            return null;
        }

        /// <summary>
        /// Stops nginx as its docs say (SIGTERM: fast shutdown), so that the master reaps its workers before it exits.
        /// A SIGKILL to the whole tree left the workers as zombies until the benchmark process ended.
        /// </summary>
        public async ValueTask DisposeAsync()
        {
            try
            {
                if (!_process.HasExited)
                {
                    using (var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
                        if (term is not null) await term.WaitForExitAsync();
                    using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    try
                    {
                        await _process.WaitForExitAsync(grace.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        _process.Kill(entireProcessTree: true);
                    }
                }
                await _process.WaitForExitAsync();
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
            }
            _process.Dispose();
            try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
        }
    }
}
