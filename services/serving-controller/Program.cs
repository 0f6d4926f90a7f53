using Platform.ControlPlane.Hosting;
using Platform.ControlPlane.Server.Hosting;
using Platform.ServiceDefaults;
using Platform.ServingController.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.UseAppPort(defaultPort: 5100);
// Local mode (the default): this process hosts the Kubernetes-shaped control-plane API for every kind, persisted in
// the Dapr state store, and its reconcilers use it in-process. Kubernetes mode (ResourceStore__Mode=Kubernetes): the
// Kubernetes API is the control plane and no API is served here.
var local = ResourceStoreExtensions.ModeOf(builder.Configuration) == ResourceStoreMode.Local;
if (local) builder.AddControlPlaneServer();
builder.AddResourceStore();
// Serving: reconcilers, the local workload supervisor and process backend, the activator's routes.
builder.AddServing();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapServing(); // before the API's catch-all: /apis/platform.dev/v1/.../logs is ours
if (local) app.MapControlPlaneApi();
app.Run();

/// <summary>Entry point, public so that tests can host it.</summary>
public partial class Program;
