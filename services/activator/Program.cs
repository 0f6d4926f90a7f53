using Platform.Activator;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddActivator(); // ingress Activator:Port (8080), h2c 8013, control APP_PORT (8014, loopback)

var app = builder.Build();
app.UseActivator(); // ingress: service hosts are forwarded; the control port reaches what follows
app.MapDefaultEndpoints();
app.Run();

/// <summary>Entry point, public so that tests can host it.</summary>
public partial class Program;
