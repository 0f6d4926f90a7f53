using Platform.ServiceDefaults;

// The sources service: a skeleton until the sources issue (PingSource, ApiServerSource, SinkBinding,
// ContainerSource) lands; it answers health so that `platform up` runs it like every app of dapr.yaml.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.UseAppPort(defaultPort: 5400);

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();

/// <summary>Entry point, public so that tests can host it.</summary>
public partial class Program;
