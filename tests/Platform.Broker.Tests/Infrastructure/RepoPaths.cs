using Platform.Testing;

namespace Platform.Broker.Tests.Infrastructure;

/// <summary>Where the built programs the integration tests run are (this test build's configuration only).</summary>
public static class RepoPaths
{
    /// <summary>The repository root.</summary>
    public static string Root => Builds.Root;

    /// <summary>The broker service.</summary>
    public static string Broker => Path.Combine(AppContext.BaseDirectory, "Platform.Broker.dll");

    /// <summary>The local sidecar.</summary>
    public static string Sidecar => Builds.Output("tools/sidecar/Platform.Sidecar", "platform-sidecar.dll");

    /// <summary>The control plane (serving-controller hosts the resource API).</summary>
    public static string ControlPlane => Builds.Output("services/serving-controller", "Platform.ServingController.dll");
}
