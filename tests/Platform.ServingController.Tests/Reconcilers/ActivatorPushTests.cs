using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Platform.Serving.Contracts.Routing;
using Platform.ServingController.Routing;
using Platform.Testing;

namespace Platform.ServingController.Tests.Reconcilers;

/// <summary>
/// What the controller sends the activator while several services come up in one namespace, recorded by a fake
/// activator on a loopback port: each revision's status change reconciles every Route of the namespace, and each
/// of those reconciles pushes the table.
/// </summary>
public sealed class ActivatorPushTests
{
    [Fact]
    public async Task A_route_table_identical_to_the_one_just_pushed_is_not_sent_again()
    {
        await using var activator = await FakeActivator.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Serving:Wiring:Reconcile"] = "true",
            ["Serving:Wiring:ActivatorUrl"] = $"http://127.0.0.1:{activator.Port}",
        };
        await using var host = new ApiHost(settings: settings);
        var names = new[] { "alpha", "beta", "gamma" };
        foreach (var name in names) await host.Store.CreateAsync(ApiHost.Service, HelloWorld(name));

        // Every service's route reaches the activator, then the fan-out settles.
        try
        {
            await Condition.UntilAsync(() => activator.Tables().LastOrDefault() is { } t && names.All(n => t.Body.Contains($"\"name\":\"{n}\"", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(60), "a table routing all three services");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; last table: {activator.Tables().LastOrDefault()?.Body ?? "none"}", e);
        }
        await Task.Delay(ActivatorSync.IdenticalTableWindow); // what the fan-out still sends arrives within the window

        var log = activator.Log();
        Assert.True(log.Count(l => l.Kind == "table") >= 3, $"expected several table pushes while three services came up, got:\n{Describe(log)}");
        // Between two pushes of the same table with nothing else sent in between, at least the window passed.
        for (var i = 1; i < log.Count; i++)
        {
            var (previous, current) = (log[i - 1], log[i]);
            if (previous.Kind != "table" || current.Kind != "table" || previous.Body != current.Body) continue;
            Assert.True(current.At - previous.At >= ActivatorSync.IdenticalTableWindow - TimeSpan.FromMilliseconds(50),
                $"the same table was pushed twice {(current.At - previous.At).TotalMilliseconds:0} ms apart:\n{Describe(log)}");
        }
    }

    private static string Describe(IReadOnlyList<FakeActivator.Received> log) =>
        string.Join('\n', log.Select(l => $"{l.At.TotalMilliseconds,8:0} ms {l.Kind} {l.Body.Length} bytes {l.Body.GetHashCode():x8}"));

    // samples/helloworld: the table routes a service once its revision is ready.
    private static JsonObject HelloWorld(string name) => new()
    {
        ["apiVersion"] = "serving.knative.dev/v1",
        ["kind"] = "Service",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
        ["spec"] = new JsonObject
        {
            ["template"] = new JsonObject
            {
                ["spec"] = new JsonObject
                {
                    ["containers"] = new JsonArray(new JsonObject
                    {
                        ["command"] = new JsonArray("dotnet"),
                        ["args"] = new JsonArray(Builds.Output("samples/helloworld", "helloworld.dll")),
                    })
                },
            },
        },
    };

    /// <summary>Answers the activator's control API with 200 and records every table and endpoints push in order.</summary>
    private sealed class FakeActivator(WebApplication app, int port) : IAsyncDisposable
    {
        private readonly object _gate = new();
        private readonly List<Received> _log = [];
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

        public sealed record Received(TimeSpan At, string Kind, string Body);

        public int Port { get; } = port;

        public static async Task<FakeActivator> StartAsync()
        {
            var port = FreePort.Next();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            var app = builder.Build();
            var fake = new FakeActivator(app, port);
            app.Run(async context =>
            {
                var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
                var path = context.Request.Path.Value ?? "";
                var kind = path == ActivatorApi.Routes ? "table" : path.Contains("/endpoints", StringComparison.Ordinal) ? "endpoints" : null;
                if (kind is not null && HttpMethods.IsPut(context.Request.Method))
                    lock (fake._gate) fake._log.Add(new Received(fake._clock.Elapsed, kind, body));
                context.Response.StatusCode = StatusCodes.Status200OK;
            });
            await app.StartAsync();
            return fake;
        }

        public IReadOnlyList<Received> Log()
        {
            lock (_gate) return _log.ToList();
        }

        public IReadOnlyList<Received> Tables()
        {
            lock (_gate) return _log.Where(l => l.Kind == "table").ToList();
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
