using Platform.Autoscaler;
using Platform.Autoscaler.Keda;
using Platform.Autoscaler.Revisions;
using Platform.Autoscaler.Stats;
using Platform.ServiceDefaults;

// The autoscaler: Knative's KPA decider as one Dapr actor per revision (in-process when no sidecar answers), fed by
// the HTTP intake (revisions, stats, pokes), and KEDA's external scaler on its own h2c port.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.UseAppPort(defaultPort: 5200);
// Local mode: decisions go to serving-controller's process backend (registered before AddAutoscaler replaces its default).
builder.Services.AddSingleton<IScaleTarget, ServingControllerScaleTarget>();
builder.AddAutoscaler();
builder.AddKedaExternalScaler();

var app = builder.Build();
app.UseCloudEvents();
app.MapDefaultEndpoints();
app.MapSubscribeHandler();
app.MapActorsHandlers();
app.MapAutoscalerIntake();
app.MapKedaExternalScaler();
app.Run();

/// <summary>Entry point, public so that tests can host it.</summary>
public partial class Program;
