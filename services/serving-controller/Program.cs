using Platform.ServiceDefaults;
using Platform.ServingController.Api;
using Platform.ServingController.Workloads;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.UseAppPort(defaultPort: 5100);
builder.Services.AddActors(_ => { });
// Local mode: the Kubernetes-shaped control-plane API for every kind, persisted in the Dapr state store.
builder.AddControlPlane();
// Serving: reconcilers, the local process backend, the activator's routes and the autoscaler's revisions.
builder.AddServing();

var app = builder.Build();
app.UseCloudEvents();
app.MapDefaultEndpoints();
app.MapSubscribeHandler();
app.MapActorsHandlers();
app.MapServing(); // before the API's catch-all: /apis/platform.dev/v1/.../logs is ours
app.MapControlPlaneApi();
app.Run();

/// <summary>Entry point, public so that tests can host it.</summary>
public partial class Program;
