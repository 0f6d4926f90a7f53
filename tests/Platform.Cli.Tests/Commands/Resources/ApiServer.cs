using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;
using Platform.Testing;

namespace Platform.Cli.Tests.Commands.Resources;

/// <summary>
/// The real control-plane API (serving-controller's app) on Kestrel, on a free loopback port, with in-memory
/// persistence, Knative admission (the typed model's defaults and validation) and no reconcilers; shared by the tests of a class. The CLI reaches it through
/// <c>PLATFORM_SERVER</c>.
/// </summary>
public sealed class ApiServer : IAsyncLifetime
{
    private WebApplicationFactory<Program>? _factory;

    /// <summary><c>http://127.0.0.1:{port}</c>.</summary>
    public string Url { get; private set; } = "";

    public Task InitializeAsync()
    {
        var port = FreePort.Next();
        Url = $"http://127.0.0.1:{port}";
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("urls", Url);
            b.UseSetting("ControlPlane:Persistence", "memory");
            b.UseSetting("ControlPlane:PublishChanges", "false");
            b.UseSetting("ControlPlane:Admission", "knative");
            // The CLI's tests play the controller themselves (they write status): the reconcilers stay off.
            b.ConfigureTestServices(s =>
            {
                foreach (var d in s.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "ServingController").ToList()) s.Remove(d);
            });
        });
        _factory.UseKestrel(port);
        _factory.StartServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null) await _factory.DisposeAsync();
    }
}
