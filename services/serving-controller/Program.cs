using Platform.ServiceDefaults;
using Platform.ServingController.Api;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.UseAppPort(defaultPort: 5100);
builder.Services.AddActors(_ => { });
// Local mode: the Kubernetes-shaped control-plane API for every kind, persisted in the Dapr state store.
builder.AddControlPlane();

var app = builder.Build();
app.UseCloudEvents();
app.MapDefaultEndpoints();
app.MapSubscribeHandler();
app.MapActorsHandlers();
app.MapControlPlaneApi();
app.Run();

/// <summary>Entry point, public so that tests can host it.</summary>
public partial class Program;
