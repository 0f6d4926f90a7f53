using Platform.Cli.Runner.RunFile;

namespace Platform.Cli.Runner.Launch;

/// <summary>The ports an app and its sidecar run on, every one decided.</summary>
/// <param name="App">The app's own port, or null when it has none.</param>
/// <param name="DaprHttp">Sidecar HTTP API.</param>
/// <param name="DaprGrpc">Sidecar gRPC API.</param>
/// <param name="Metrics">Sidecar metrics.</param>
internal sealed record AppPorts(int? App, int DaprHttp, int DaprGrpc, int Metrics);

/// <summary>Everything needed to start one app and its sidecar.</summary>
/// <param name="App">The app from dapr.yaml.</param>
/// <param name="Ports">Its ports.</param>
/// <param name="ResourcesPaths">The component folders its sidecar reads (possibly rewritten copies).</param>
internal sealed record AppLaunch(AppSpec App, AppPorts Ports, IReadOnlyList<string> ResourcesPaths);

/// <summary>A port some process of the run will listen on.</summary>
/// <param name="AppId">The app it belongs to.</param>
/// <param name="Field">The dapr.yaml field that sets it (<c>appPort</c>, <c>daprHTTPPort</c>, ...).</param>
/// <param name="Port">The port.</param>
internal sealed record PortClaim(string AppId, string Field, int Port);

/// <summary>Decides the ports of every app: the file's, or free ones for those it leaves out.</summary>
internal static class LaunchPlanner
{
    /// <summary>Plans the launches.</summary>
    /// <param name="apps">Apps from dapr.yaml.</param>
    /// <param name="pickFreePort">Returns a free port not in the given set (the OS's choice in production).</param>
    public static IReadOnlyList<AppLaunch> Plan(IReadOnlyList<AppSpec> apps, Func<IReadOnlySet<int>, int> pickFreePort)
    {
        var taken = new HashSet<int>(apps.SelectMany(a => new[] { a.AppPort, a.DaprHttpPort, a.DaprGrpcPort, a.MetricsPort }).OfType<int>());
        int Pick(int? port)
        {
            if (port is int p) return p;
            var chosen = pickFreePort(taken);
            taken.Add(chosen);
            return chosen;
        }
        return apps.Select(a => new AppLaunch(a,
            new AppPorts(a.AppPort, Pick(a.DaprHttpPort), Pick(a.DaprGrpcPort), Pick(a.MetricsPort)),
            a.ResourcesPaths)).ToList();
    }

    /// <summary>Every port the run will listen on, in start order.</summary>
    public static IReadOnlyList<PortClaim> Claims(IReadOnlyList<AppLaunch> launches) =>
        launches.SelectMany(l => new[]
        {
            l.Ports.App is int app ? new PortClaim(l.App.AppId, "appPort", app) : null,
            new PortClaim(l.App.AppId, "daprHTTPPort", l.Ports.DaprHttp),
            new PortClaim(l.App.AppId, "daprGRPCPort", l.Ports.DaprGrpc),
            new PortClaim(l.App.AppId, "metricsPort", l.Ports.Metrics),
        }).OfType<PortClaim>().ToList();
}
