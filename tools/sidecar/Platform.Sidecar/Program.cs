// The local sidecar: one per app, started by `./platform up` (or by tests) with the app's ports and daprd's flags.
using Platform.Sidecar.Actors;
using Platform.Sidecar.Hosting;
using Platform.Sidecar.Security;

if (args is ["--help"] or ["-h"] or ["-?"]) return SidecarHost.Help();
var (options, errors) = SidecarOptions.Parse(args, Environment.GetEnvironmentVariable, Directory.GetCurrentDirectory());
if (options is null) return SidecarHost.Usage(errors);
var resources = SidecarHost.LoadResources(options);
if (resources is null) return SidecarHost.BadConfiguration;

var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
builder.AddSidecar(options, resources);
builder.Services.AddActorRuntime(new ActorRuntimeOptions
{
    AppId = options.AppId,
    AppBaseUrl = options.AppBaseUrl ?? new Uri("http://127.0.0.1:0"), // no app: actor calls fail with a clear error
    AppApiToken = options.AppApiToken,
});

var app = builder.Build();
app.UseDaprApiToken(options.ApiToken);
app.MapSidecarApi();
app.MapActorApi();
return await app.RunSidecarAsync(options);

/// <summary>Entry point, public so that tests can host it.</summary>
public partial class Program;
