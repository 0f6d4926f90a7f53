using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.UseAppPort(defaultPort: 5200);
builder.Services.AddActors(_ => { });

var app = builder.Build();
app.UseCloudEvents();
app.MapDefaultEndpoints();
app.MapSubscribeHandler();
app.MapActorsHandlers();
app.Run();

/// <summary>Entry point, public so that tests can host it.</summary>
public partial class Program;
