// A workload for autoscaling tests: every request answers after SLEEP_MS (default 100) milliseconds, or after
// ?sleep=N when given, like Knative's autoscale-go sample.
var builder = WebApplication.CreateSlimBuilder(args);
var port = Environment.GetEnvironmentVariable("PORT") is { Length: > 0 } p ? p : "8080";
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
builder.Logging.ClearProviders();
var app = builder.Build();
var defaultSleep = int.TryParse(Environment.GetEnvironmentVariable("SLEEP_MS"), out var s) ? s : 100;
// POST too: load tests use it to see failures that a proxy may not hide by sending the request again.
app.MapMethods("/", ["GET", "POST"], async (int? sleep, CancellationToken ct) =>
{
    var ms = Math.Clamp(sleep ?? defaultSleep, 0, 60_000);
    await Task.Delay(ms, ct);
    return $"slept {ms} ms\n";
});
app.Run();
