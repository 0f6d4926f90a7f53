// The local sidecar: one per app, started by `./platform up` (or by tests) with the app's ports.
var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/v1.0/healthz", () => Results.NoContent());
app.Run();

/// <summary>Entry point, public so that tests can host it.</summary>
public partial class Program;
