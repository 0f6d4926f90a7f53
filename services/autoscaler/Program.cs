using Platform.Autoscaler;
using Platform.Autoscaler.Keda;
using Platform.Autoscaler.Stats;
using Platform.ServiceDefaults;

// The autoscaler: Knative's KPA decider as one Dapr actor per revision (in-process when no sidecar answers). It
// follows the revisions' PodAutoscalers in the control plane and writes each decision into them; the HTTP intake
// takes the activator's stats and pokes; KEDA's external scaler, on its own h2c port, reports the same decisions.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.UseAppPort(defaultPort: 5200);
builder.AddAutoscaler();
builder.AddKedaExternalScaler();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapActorsHandlers();
app.MapAutoscalerIntake();
app.MapKedaExternalScaler();
app.Run();

/// <summary>Entry point, public so that tests can host it.</summary>
public partial class Program;
