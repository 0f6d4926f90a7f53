using Platform.ControlPlane.Server.Hosting;
using Platform.ServiceDefaults;
using Platform.ServingController.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.UseAppPort(defaultPort: 5100);
// Local mode: the Kubernetes-shaped control-plane API for every kind, persisted in the Dapr state store; this
// process's reconcilers use it in-process.
builder.AddControlPlaneServer();
// Serving: reconcilers, the local workload supervisor and process backend, the activator's routes.
builder.AddServing();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapServing(); // before the API's catch-all: /apis/platform.dev/v1/.../logs is ours
app.MapControlPlaneApi();
app.Run();

/// <summary>Entry point, public so that tests can host it.</summary>
public partial class Program;
