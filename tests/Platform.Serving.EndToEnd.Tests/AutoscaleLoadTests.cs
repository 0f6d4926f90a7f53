using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Serving.EndToEnd.Tests.Load;
using Platform.Testing.Serving;
using Xunit.Abstractions;

namespace Platform.Serving.EndToEnd.Tests;

/// <summary>
/// Knative's autoscaling load test, with a picture: samples/autoscale answering after a fixed 100 ms, a concurrency
/// target of 10 per replica (<c>autoscaling.knative.dev/target: "10"</c> with
/// <c>target-utilization-percentage: "100"</c>, so that the want is exactly <c>ceil(concurrency / 10)</c>;
/// <c>containerConcurrency</c> stays 0, so the activator never queues), and an open-loop load through the activator
/// ramping 0 → 200 req/s over 25 s, held 20 s, back to 0 over 25 s. Every 500 ms it records requests sent and
/// answered, the client's time-weighted concurrency, the autoscaler's averages and decision, and the replicas that
/// exist; requests are POSTs, never resent by the activator, and none may fail with a 5xx as replicas are removed; then writes <c>autoscale-load.csv</c> and <c>autoscale-load.svg</c> into <c>TEST_RESULTS_DIR</c> (set by
/// <c>./platform test</c>; else <c>.test-results/</c> in the repository), whether or not the checks pass.
/// </summary>
public sealed class AutoscaleLoadTests(ServingStack stack, ITestOutputHelper output) : IClassFixture<ServingStack>
{
    private const string ServiceName = "autoscale";
    private const string RevisionName = "autoscale-00001";
    private const string ServiceHost = ServiceName + ".default.localhost";
    private const double Target = 10;
    private const double PeakRate = 200;
    private const double MaxScaleDownRate = 2; // Knative's default max-scale-down-rate, which the stack keeps.

    // Tolerances (a correctness check on a shared 2-core machine, never a timing one):
    /// <summary>Decisions within ±1 replica of the band (see <see cref="ReplicaExpectation"/>) ...</summary>
    private const int ReplicaTolerance = 1;

    /// <summary>... for at least this share of the samples with data (sampling is not aligned with decisions).</summary>
    private const double FollowShare = 0.9;

    /// <summary>At most this share of requests may fail.</summary>
    private const double FailureShare = 0.01;

    private static readonly TimeSpan SamplePeriod = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Cli = TimeSpan.FromSeconds(90);

    [SkippableFact]
    public async Task Replicas_follow_concurrency_over_target_and_return_to_zero_after_window_and_grace()
    {
        stack.SkipIfUnavailable();
        var options = stack.Options;

        var create = await stack.CliAsync(Cli, "service", "create", ServiceName, "--cmd", "dotnet", "--arg", stack.AutoscaleSample,
            "--env", "SLEEP_MS=100",
            "--annotation", "autoscaling.knative.dev/target=10",
            "--annotation", "autoscaling.knative.dev/target-utilization-percentage=100",
            "--wait-timeout", "60");
        Assert.True(create.ExitCode == 0, create.Output + "\n" + stack.AppLog("serving-controller"));
        Assert.Contains($"latest revision '{RevisionName}'", create.Output);

        using var http = stack.ApiClient(TimeSpan.FromSeconds(5)); // the autoscaler ignores the API token; /workloads needs it
        // The autoscaler learns the revision from its PodAutoscaler, moments after the Service is Ready.
        JsonNode? registered = null;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (registered is null)
        {
            using var answer = await http.GetAsync($"{stack.Autoscaler}/revisions/default/{RevisionName}/scale");
            if (answer.IsSuccessStatusCode) registered = JsonNode.Parse(await answer.Content.ReadAsStringAsync());
            else if (DateTime.UtcNow > deadline) Assert.Fail($"the autoscaler did not learn {RevisionName} from its PodAutoscaler within 20 s\n{stack.AppLog("autoscaler")}");
            else await Task.Delay(50);
        }
        Assert.Equal(Target, (double)registered["targetValue"]!);

        using var client = ActivatorClient(stack.ActivatorPort);
        var schedule = PacedSchedule.Ramp(PeakRate, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(25));
        var clock = Stopwatch.StartNew();
        var run = new LoadRun(clock, client);
        using var stopSampling = new CancellationTokenSource();
        var rows = new List<LoadRow>();
        var sampler = SampleAsync(http, run, rows, stopSampling.Token);

        await run.SendAsync(schedule);
        var stopped = run.LastResponseAt;

        // Scale to zero: the stable average empties one window after the last request, then the grace period runs;
        // give it a few decisions and a process stop more before giving up.
        var expectZeroBy = options.StableWindow + options.ScaleToZeroGracePeriod;
        var slack = 4 * options.TickInterval + TimeSpan.FromSeconds(5);
        while (clock.Elapsed < stopped + expectZeroBy + slack && !ZeroSince(rows, stopped, TimeSpan.FromSeconds(1)))
            await Task.Delay(SamplePeriod);
        await stopSampling.CancelAsync();
        await sampler;

        // The checks, from the autoscaler's own averages.
        LoadRow[] data;
        lock (rows) data = [.. rows];
        var scale = data.Select(r => r.Scale).OfType<ScaleSample>().ToList();
        var bands = ReplicaExpectation.Bands(scale, Target, options.TickInterval + SamplePeriod, MaxScaleDownRate);
        var byTime = scale.Select((s, i) => (s.At, Band: bands[i])).ToDictionary(x => x.At, x => x.Band);
        var zeroAt = data.FirstOrDefault(r => r.At > stopped && r.Actual == 0 && r.Scale?.DesiredScale == 0)?.At;
        var files = WriteResults(data, byTime, schedule, stopped, expectZeroBy, zeroAt);

        var checkedSamples = scale.Where((_, i) => bands[i] is not null).ToList();
        var outside = scale.Select((s, i) => (s, Band: bands[i])).Where(x => x.Band is { } b && !b.Contains(x.s.DesiredScale, ReplicaTolerance)).ToList();
        var plateau = data.Where(r => r.At >= TimeSpan.FromSeconds(35) && r.At <= TimeSpan.FromSeconds(45) && r.Scale is not null).ToList();
        var clientPlateau = plateau.Average(r => r.ClientConcurrency);
        var stablePlateau = plateau.Average(r => r.Scale!.StableAverage);
        var maxActual = data.Where(r => r.At <= stopped).Max(r => r.Actual ?? 0);
        var maxDesired = scale.Max(s => s.DesiredScale);
        var summary = $"""
            requests: {run.Sent} sent, {run.Answered} answered, {run.Failed} failed ({string.Join(", ", run.Failures.Select(kv => $"{kv.Key}×{kv.Value}"))}{(run.FailedAt.IsEmpty ? "" : " at " + string.Join(", ", run.FailedAt.Take(10).Select(t => $"{t.TotalSeconds:0.0} s")))})
            plateau (35-45 s): client concurrency {clientPlateau:0.0}, autoscaler stable average {stablePlateau:0.0} → want {ReplicaExpectation.Want(stablePlateau, Target)}
            replicas: max desired {maxDesired}, max actual {maxActual}; decisions within ±{ReplicaTolerance} of the band: {checkedSamples.Count - outside.Count}/{checkedSamples.Count}
            load stopped at {stopped.TotalSeconds:0.0} s; zero at {(zeroAt is { } z ? $"{z.TotalSeconds:0.0} s (+{(z - stopped).TotalSeconds:0.0} s; window + grace = {expectZeroBy.TotalSeconds:0} s)" : "never")}
            chart: {files.Svg}
            samples: {files.Csv}
            """;
        output.WriteLine(summary);
        Console.WriteLine(summary);

        Assert.True(run.Failed <= FailureShare * run.Sent, $"more than {FailureShare:P0} of requests failed\n{summary}");
        // Scale-down drains: a replica leaves the activator's endpoints before it is stopped, so nothing is cut off.
        Assert.True(!run.Failures.Keys.Any(k => k.StartsWith('5')), $"5xx answers across the scale-down\n{summary}");
        Assert.True(checkedSamples.Count >= 60, $"too few samples with autoscaler data\n{summary}");
        Assert.True(checkedSamples.Count - outside.Count >= FollowShare * checkedSamples.Count,
            $"desired scale did not follow ceil(concurrency / {Target}) within one decision; outside the band at: "
            + string.Join(", ", outside.Take(15).Select(x => $"{x.s.At.TotalSeconds:0.0}s desired {x.s.DesiredScale} band {x.Band!.Value.Low}..{x.Band.Value.High} (stable {x.s.StableAverage:0.0}, panic {x.s.PanicAverage:0.0}{(x.s.InPanic ? ", panic mode" : "")})"))
            + $"\n{summary}");
        // The client and the activator count the same requests: their concurrency must roughly agree.
        Assert.True(stablePlateau >= 0.5 * clientPlateau && stablePlateau <= 2 * clientPlateau, $"the autoscaler's concurrency is far from the client's\n{summary}");
        Assert.True(maxDesired >= 2 && maxActual >= 2, $"replicas never rose above 1 under load\n{summary}");
        Assert.True(zeroAt is not null, $"not scaled to zero within window + grace + {slack.TotalSeconds:0} s after the load stopped\n{summary}\n{stack.AppLog("autoscaler")}");
        // Not before the stable window has emptied of the last requests (they keep the want at 1 until then).
        Assert.True(zeroAt!.Value - stopped >= options.StableWindow - options.TickInterval, $"scaled to zero before the stable window passed\n{summary}");

        Assert.Equal(0, (await stack.CliAsync(Cli, "service", "delete", ServiceName)).ExitCode);
    }

    /// <summary>Every 500 ms until cancelled: the client's counters and the autoscaler's and backend's view.</summary>
    private async Task SampleAsync(HttpClient http, LoadRun run, List<LoadRow> rows, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(SamplePeriod);
        var (lastAt, lastSent, lastAnswered) = (run.Now, 0L, 0L);
        try
        {
            do
            {
                var at = run.Now;
                var (sent, answered) = (run.Sent, run.Completed);
                var concurrency = run.Meter.TakeAverage();
                var seconds = Math.Max(1e-3, (at - lastAt).TotalSeconds);
                var scale = ReadScaleAsync(http, at);
                var actual = ReadActualAsync(http);
                var row = new LoadRow(at, (sent - lastSent) / seconds, (answered - lastAnswered) / seconds, concurrency, await scale, await actual);
                lock (rows) rows.Add(row);
                (lastAt, lastSent, lastAnswered) = (at, sent, answered);
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task<ScaleSample?> ReadScaleAsync(HttpClient http, TimeSpan at)
    {
        try
        {
            var json = JsonNode.Parse(await http.GetStringAsync($"{stack.Autoscaler}/revisions/default/{RevisionName}/scale"))!;
            return new ScaleSample(at, (bool)json["hasData"]!, (double)json["stableAverage"]!, (double)json["panicAverage"]!,
                (bool)json["inPanic"]!, (int)json["desiredScale"]!, (int)json["readyPods"]!);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private async Task<int?> ReadActualAsync(HttpClient http)
    {
        try
        {
            return (int)JsonNode.Parse(await http.GetStringAsync($"{stack.Server}/workloads/v1/revisions/default/{RevisionName}"))!["actual"]!;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private static bool ZeroSince(List<LoadRow> rows, TimeSpan after, TimeSpan hold)
    {
        lock (rows)
        {
            var first = rows.FirstOrDefault(r => r.At > after && r.Actual == 0);
            return first is not null && rows[^1].At - first.At >= hold && rows.Where(r => r.At >= first.At).All(r => r.Actual == 0);
        }
    }

    /// <summary>Writes the CSV and the SVG chart; returns their paths.</summary>
    private static (string Csv, string Svg) WriteResults(IReadOnlyList<LoadRow> rows, Dictionary<TimeSpan, ReplicaBand?> bands, PacedSchedule schedule,
        TimeSpan stopped, TimeSpan window, TimeSpan? zeroAt)
    {
        var dir = Environment.GetEnvironmentVariable("TEST_RESULTS_DIR") is { Length: > 0 } env ? env : Path.Combine(ServingStack.Root, ".test-results");
        Directory.CreateDirectory(dir);
        var csvPath = Path.Combine(dir, "autoscale-load.csv");
        var svgPath = Path.Combine(dir, "autoscale-load.svg");

        static string N(double? v) => v is { } d && double.IsFinite(d) ? d.ToString("0.###", CultureInfo.InvariantCulture) : "";
        var csv = new StringBuilder("t_s,scheduled_rps,sent_rps,answered_rps,client_concurrency,stable_average,panic_average,in_panic,has_data,desired_scale,ready_pods,actual_replicas,want_stable,want_client,band_low,band_high\n");
        foreach (var r in rows)
        {
            var band = bands.GetValueOrDefault(r.At);
            csv.AppendLine(string.Join(',',
                N(r.At.TotalSeconds), N(schedule.RateAt(r.At)), N(r.SentRate), N(r.AnsweredRate), N(r.ClientConcurrency),
                N(r.Scale?.StableAverage), N(r.Scale?.PanicAverage), r.Scale?.InPanic.ToString() ?? "", r.Scale?.HasData.ToString() ?? "",
                N(r.Scale?.DesiredScale), N(r.Scale?.ReadyPods), N(r.Actual),
                N(r.Scale is { } s ? ReplicaExpectation.Want(s.StableAverage, Target) : null), N(ReplicaExpectation.Want(r.ClientConcurrency, Target)),
                N(band?.Low), N(band?.High)));
        }
        File.WriteAllText(csvPath, csv.ToString());

        List<(double X, double Y)> Line(Func<LoadRow, double?> value) => [.. rows.Select(r => (r.At.TotalSeconds, value(r) ?? double.NaN))];
        var scheduled = Enumerable.Range(0, (int)(schedule.Duration.TotalSeconds * 2) + 1)
            .Select(i => (i / 2.0, schedule.RateAt(TimeSpan.FromSeconds(i / 2.0)))).ToList();
        var markers = new List<ChartMarker> { new(stopped.TotalSeconds, "last response"), new((stopped + window).TotalSeconds, "+ window + grace") };
        if (zeroAt is { } z) markers.Add(new ChartMarker(z.TotalSeconds, "zero"));
        var svg = SvgChart.Render(
            $"samples/autoscale (100 ms), target {Target:0} per replica: 0 → {PeakRate:0} → 0 req/s through the activator",
            "seconds since the load started",
            [
                new ChartPanel("Requests", "req/s", YMax: 1.5 * PeakRate, Series: [
                    new ChartSeries("scheduled", "#999999", scheduled, Dashed: true),
                    new ChartSeries("sent", "#1f77b4", Line(r => r.SentRate)),
                    new ChartSeries("answered", "#2ca02c", Line(r => r.AnsweredRate)),
                ]),
                new ChartPanel("Concurrency", "in flight", YMax: 4 * Target, Series: [
                    new ChartSeries("client (500 ms avg)", "#1f77b4", Line(r => r.ClientConcurrency)),
                    new ChartSeries("autoscaler stable", "#ff7f0e", Line(r => r.Scale?.StableAverage)),
                    new ChartSeries("autoscaler panic", "#d62728", Line(r => r.Scale?.PanicAverage), Dashed: true),
                ]),
                new ChartPanel("Replicas", "replicas", YMax: Math.Max(4, rows.Max(r => Math.Max(r.Actual ?? 0, r.Scale?.DesiredScale ?? 0)) + 1), Series: [
                    new ChartSeries("ceil(client / 10)", "#9ecae1", Line(r => ReplicaExpectation.Want(r.ClientConcurrency, Target)), Dashed: true, Steps: true),
                    new ChartSeries("ceil(stable / 10)", "#9467bd", Line(r => r.Scale is { } s ? ReplicaExpectation.Want(s.StableAverage, Target) : null), Dashed: true, Steps: true),
                    new ChartSeries("actual", "#bbbbbb", Line(r => r.Actual), Steps: true, Width: 5),
                    new ChartSeries("desired", "#ff7f0e", Line(r => r.Scale?.DesiredScale), Steps: true),
                ]),
            ],
            markers);
        File.WriteAllText(svgPath, svg);
        return (csvPath, svgPath);
    }

    /// <summary>A client whose connections all go to the activator on loopback, whatever the URL's host.</summary>
    private static HttpClient ActivatorClient(int port) => new(new SocketsHttpHandler
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
    { Timeout = TimeSpan.FromSeconds(60), BaseAddress = new Uri($"http://{ServiceHost}/") };

    /// <summary>One 500-ms sample.</summary>
    private sealed record LoadRow(TimeSpan At, double SentRate, double AnsweredRate, double ClientConcurrency, ScaleSample? Scale, int? Actual);

    /// <summary>The open-loop generator and its counters.</summary>
    private sealed class LoadRun(Stopwatch clock, HttpClient client)
    {
        private long _sent, _completed, _answered, _failed, _lastResponseTicks;

        public InFlightMeter Meter { get; } = new(() => clock.Elapsed);
        public ConcurrentDictionary<string, int> Failures { get; } = new();
        public ConcurrentQueue<TimeSpan> FailedAt { get; } = new();
        public TimeSpan Now => clock.Elapsed;
        public long Sent => Interlocked.Read(ref _sent);
        public long Completed => Interlocked.Read(ref _completed);
        public long Answered => Interlocked.Read(ref _answered);
        public long Failed => Interlocked.Read(ref _failed);
        public TimeSpan LastResponseAt => TimeSpan.FromTicks(Interlocked.Read(ref _lastResponseTicks));

        /// <summary>Sends on schedule (late sends go at once, never skipped) and waits for every answer.</summary>
        public async Task SendAsync(PacedSchedule schedule)
        {
            var start = clock.Elapsed;
            var pending = new List<Task>(schedule.Count);
            foreach (var due in schedule.SendTimes())
            {
                var wait = start + due - clock.Elapsed;
                if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
                pending.Add(SendOneAsync());
            }
            await Task.WhenAll(pending);
        }

        private async Task SendOneAsync()
        {
            Meter.Enter();
            Interlocked.Increment(ref _sent);
            try
            {
                // POST: a request the activator may never send twice, so a replica stopped while still routed shows as a 502.
                using var body = new StringContent("load");
                using var response = await client.PostAsync("/", body);
                await response.Content.LoadIntoBufferAsync();
                if (response.IsSuccessStatusCode) Interlocked.Increment(ref _answered);
                else Fail($"{(int)response.StatusCode}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Fail(e.GetType().Name);
            }
            finally
            {
                Meter.Exit();
                Interlocked.Increment(ref _completed);
                var now = clock.Elapsed.Ticks;
                for (var seen = Interlocked.Read(ref _lastResponseTicks); now > seen; seen = Interlocked.Read(ref _lastResponseTicks))
                    if (Interlocked.CompareExchange(ref _lastResponseTicks, now, seen) == seen) break;
            }
        }

        private void Fail(string reason)
        {
            Interlocked.Increment(ref _failed);
            FailedAt.Enqueue(clock.Elapsed);
            Failures.AddOrUpdate(reason, 1, (_, n) => n + 1);
        }
    }
}
