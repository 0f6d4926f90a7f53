namespace Platform.Broker.Tests.Infrastructure;

/// <summary>Where the built programs the integration tests run are.</summary>
public static class RepoPaths
{
    /// <summary>The repository root (the folder holding Directory.Build.props).</summary>
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Debug or Release, as this test assembly was built.</summary>
    public static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    private static string Bin(string project, string dll)
    {
        var path = Path.Combine(Root, project, "bin", Configuration, "net10.0", dll);
        return File.Exists(path) ? path : Path.Combine(Root, project, "bin", "Debug", "net10.0", dll);
    }

    /// <summary>The broker service.</summary>
    public static string Broker => Path.Combine(AppContext.BaseDirectory, "Platform.Broker.dll");

    /// <summary>The local sidecar.</summary>
    public static string Sidecar => Bin("tools/sidecar/Platform.Sidecar", "platform-sidecar.dll");

    /// <summary>The control plane (serving-controller hosts the resource API).</summary>
    public static string ControlPlane => Bin("services/serving-controller", "Platform.ServingController.dll");
}
