using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Benchmarks.Harness;
using Platform.ControlPlane.Server.Hosting;
using Platform.ServiceDefaults;

namespace Platform.Benchmarks.ControlPlane;

/// <summary>
/// The control-plane API on a real Kestrel port: creating 1,000 Services (JSON over HTTP) against 1,000 GETs of
/// <c>/healthz</c> on the same server (the baseline), and the latency from a write to a watcher receiving its event.
/// </summary>
public sealed class ControlPlaneBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "control-plane";

    /// <inheritdoc />
    public string Description => "create 1,000 Services over HTTP vs 1,000 GET /healthz; watch event latency p50";

    /// <inheritdoc />
    public async Task RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        const int services = 1000;
        var latencySamples = options.Short ? 300 : 2000;

        var builder = WebApplication.CreateBuilder();
        builder.AddServiceDefaults();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["ControlPlane:Persistence"] = "memory";
        builder.AddControlPlaneServer();
        await using var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapControlPlaneApi();
        await app.StartAsync(cancellationToken);
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        const string collection = "apis/serving.knative.dev/v1/namespaces/default/services";

        // Warm-up: JIT and connection for both paths.
        for (var i = 0; i < 50; i++)
        {
            (await http.GetAsync("healthz", cancellationToken)).EnsureSuccessStatusCode();
            (await PostAsync(http, collection, Service($"warm-{i}"), cancellationToken)).EnsureSuccessStatusCode();
        }

        // Baseline and creates alternate in chunks of 50, so that load from elsewhere on the machine hits both alike.
        var baseline = new Stopwatch();
        var create = new Stopwatch();
        for (var chunk = 0; chunk < services; chunk += 50)
        {
            var end = Math.Min(services, chunk + 50);
            baseline.Start();
            for (var i = chunk; i < end; i++)
                (await http.GetAsync("healthz", cancellationToken)).EnsureSuccessStatusCode();
            baseline.Stop();
            create.Start();
            for (var i = chunk; i < end; i++)
            {
                using var response = await PostAsync(http, collection, Service($"svc-{i:D4}"), cancellationToken);
                if ((int)response.StatusCode != 201) throw new InvalidOperationException($"create svc-{i} answered {(int)response.StatusCode}");
            }
            create.Stop();
        }

        Console.WriteLine($"  baseline: {services} x GET /healthz          {baseline.Elapsed.TotalMilliseconds,8:F0} ms  ({baseline.Elapsed.TotalMilliseconds * 1000 / services:F0} us/op)");
        Console.WriteLine($"  platform: {services} x POST Service (JSON)   {create.Elapsed.TotalMilliseconds,8:F0} ms  ({create.Elapsed.TotalMilliseconds * 1000 / services:F0} us/op)");
        Console.WriteLine($"  ratio create/healthz: {create.Elapsed / baseline.Elapsed:F2}x; goal 1,000 creates <= 10 s: {(create.Elapsed <= TimeSpan.FromSeconds(10) ? "met" : "MISSED")}");

        // Watch latency: one write at a time, from just before the request leaves to the watcher reading the event.
        var list = JsonNode.Parse(await http.GetStringAsync(collection, cancellationToken))!;
        var from = list["metadata"]!["resourceVersion"]!.GetValue<string>();
        using var watchCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var watchResponse = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"{collection}?watch=true&resourceVersion={from}"),
            HttpCompletionOption.ResponseHeadersRead, watchCts.Token);
        using var reader = new StreamReader(await watchResponse.Content.ReadAsStreamAsync(watchCts.Token));
        var latencies = new double[latencySamples];
        for (var i = 0; i < latencySamples; i++)
        {
            var patch = new StringContent($"{{\"metadata\":{{\"labels\":{{\"round\":\"r{i}\"}}}}}}", Encoding.UTF8);
            patch.Headers.ContentType = new MediaTypeHeaderValue("application/merge-patch+json");
            var start = Stopwatch.GetTimestamp();
            var write = http.PatchAsync($"{collection}/svc-{i % services:D4}", patch, cancellationToken);
            var line = await reader.ReadLineAsync(watchCts.Token) ?? throw new InvalidOperationException("watch ended");
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            using var done = await write;
            done.EnsureSuccessStatusCode();
            if (!line.Contains($"\"r{i}\"", StringComparison.Ordinal)) throw new InvalidOperationException($"unexpected event {line[..Math.Min(120, line.Length)]}");
        }
        watchCts.Cancel();
        Array.Sort(latencies);
        double P(double q) => latencies[Math.Min(latencies.Length - 1, (int)(q * latencies.Length))];
        Console.WriteLine($"  watch latency (write sent -> event read), {latencySamples} writes: p50 {P(0.5):F2} ms, p90 {P(0.9):F2} ms, p99 {P(0.99):F2} ms; goal p50 <= 5 ms: {(P(0.5) <= 5 ? "met" : "MISSED")}");
        options.Report.Baseline("GET /healthz of the same API, one request at a time, alternating with the creates in chunks of 50");
        options.Report.Figure($"{services} creates", create.Elapsed.TotalSeconds * 1000.0 / services, "s per 1,000", Goal.Max(10));
        options.Report.Figure("ratio create/healthz", create.Elapsed / baseline.Elapsed, "x");
        options.Report.Figure("watch latency p50", P(0.5), "ms", Goal.Max(5));
        await app.StopAsync(CancellationToken.None);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string path, string json, CancellationToken cancellationToken)
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return http.PostAsync(path, content, cancellationToken);
    }

    private static string Service(string name) => ServiceTemplate.Replace("NAME", name, StringComparison.Ordinal);

    private const string ServiceTemplate =
        """{"apiVersion":"serving.knative.dev/v1","kind":"Service","metadata":{"name":"NAME","namespace":"default","labels":{"bench":"control-plane"}},"spec":{"template":{"metadata":{"annotations":{"autoscaling.knative.dev/min-scale":"1"}},"spec":{"containerConcurrency":10,"containers":[{"image":"ghcr.io/knative/helloworld-go:latest","env":[{"name":"TARGET","value":"World"}],"ports":[{"containerPort":8080}]}]}}}}""";
}
