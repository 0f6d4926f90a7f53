using Platform.Activator;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.UseAppPort(defaultPort: 8080);
builder.AddActivator();

var app = builder.Build();
app.UseActivator(); // service hosts are forwarded here; only the activator's own host reaches what follows
app.MapDefaultEndpoints();
app.Run();

/// <summary>Entry point, public so that tests can host it.</summary>
public partial class Program;
