using System.Text;
using CloudNative.CloudEvents;
using Platform.CloudEvents;

// event-display: prints every CloudEvent POSTed to it (binary or structured mode) in Knative's event-display
// layout, and answers 202. Non-CloudEvent requests get a 400 naming what is missing.
var builder = WebApplication.CreateSlimBuilder(args);
var port = Environment.GetEnvironmentVariable("PORT") is { Length: > 0 } p ? p : "8080";
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
builder.Logging.ClearProviders();
var app = builder.Build();
var gate = new object();
app.MapPost("/{**path}", async (HttpRequest request) =>
{
    var read = await CloudEventHttp.ReadAsync(request, maxBodyBytes: 4 * 1024 * 1024, request.HttpContext.RequestAborted);
    if (read.Error is { } error)
        return Results.Problem(statusCode: error.StatusCode, title: "not a valid CloudEvent", detail: error.Reason);
    var text = Describe(read.Event!);
    lock (gate) Console.Write(text);
    return Results.Accepted();
});
Console.WriteLine($"event-display: listening on {port}");
app.Run();

static string Describe(CloudEvent e)
{
    var sb = new StringBuilder();
    sb.AppendLine("☁️  cloudevents.Event");
    sb.AppendLine("Context Attributes,");
    sb.AppendLine($"  specversion: {e.SpecVersion.VersionId}");
    foreach (var (attribute, value) in e.GetPopulatedAttributes())
    {
        if (attribute.IsExtension || attribute.Name == "specversion") continue;
        sb.AppendLine($"  {attribute.Name}: {attribute.Format(value)}");
    }
    var extensions = e.GetPopulatedAttributes().Where(a => a.Key.IsExtension).ToList();
    if (extensions.Count > 0)
    {
        sb.AppendLine("Extensions,");
        foreach (var (attribute, value) in extensions.OrderBy(a => a.Key.Name, StringComparer.Ordinal))
            sb.AppendLine($"  {attribute.Name}: {attribute.Format(value)}");
    }
    if (e.Data is not null)
    {
        sb.AppendLine("Data,");
        sb.AppendLine("  " + CloudEventHttp.DataAsText(e).Replace("\n", "\n  "));
    }
    return sb.ToString();
}
