// Knative's hello-world: GET / answers "Hello {TARGET}!" (TARGET defaults to "World") on $PORT (default 8080).
var builder = WebApplication.CreateSlimBuilder(args);
var port = Environment.GetEnvironmentVariable("PORT") is { Length: > 0 } p ? p : "8080";
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
builder.Logging.ClearProviders();
var app = builder.Build();
var target = Environment.GetEnvironmentVariable("TARGET") is { Length: > 0 } t ? t : "World";
var revision = Environment.GetEnvironmentVariable("K_REVISION") ?? "";
Console.WriteLine($"helloworld: listening on {port} as revision '{revision}'");
app.MapGet("/", (HttpResponse response) =>
{
    response.Headers["X-Revision"] = revision;
    return $"Hello {target}!\n";
});
app.Run();
