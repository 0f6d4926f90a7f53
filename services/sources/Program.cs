using Platform.ServiceDefaults;
using Platform.Sources;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.UseAppPort(defaultPort: 5400);
// Resource watch → one reconciler per kind (PingSource, ApiServerSource, SinkBinding, ContainerSource) → statuses;
// the ping scheduler, the API watches and the container processes do the work.
builder.AddSources();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();

/// <summary>Entry point, public so that tests can host it.</summary>
public partial class Program;
