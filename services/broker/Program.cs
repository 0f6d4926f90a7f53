using Platform.Broker;
using Platform.Broker.Accounting;
using Platform.Broker.Ingress;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.UseAppPort(defaultPort: 5300);
// Resource watch → reconciler → routing table + topic streams (Dapr SubscribeTopicEventsAlpha1) → dispatcher.
builder.AddBroker();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapIngress();
app.MapStats();
app.Run();

/// <summary>Entry point, public so that tests can host it.</summary>
public partial class Program;
