using GitHubSource.Webhooks;
using Platform.Sources.Sdk;
using Platform.Sources.Sdk.Hosting;

// github-source: GitHub webhooks in, CloudEvents out. Run it as a ContainerSource (K_SINK is set for it) or as a
// Knative Service bound to a sink by a SinkBinding; see README.md, which also shows how to write another source
// on the same SDK.
var builder = WebApplication.CreateSlimBuilder(args);
GitHubSourceSettings settings;
try
{
    builder.AddEventSource();
    settings = GitHubSourceSettings.Read(builder.Configuration);
}
catch (SourceConfigurationException e)
{
    // A source that cannot send, or would accept unsigned webhooks, must not look healthy: exit and say why.
    Console.Error.WriteLine($"github-source: {e.Message}");
    return 1;
}
builder.Services.AddSingleton(settings);
builder.Services.AddSingleton(TimeProvider.System);

var app = builder.Build();
app.MapEventSourceHealth();
app.MapGitHubWebhook();
await app.RunAsync();
return 0;
