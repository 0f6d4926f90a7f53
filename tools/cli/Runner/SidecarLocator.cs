namespace Platform.Cli.Runner;

/// <summary>
/// Finds the bundled sidecar (<c>platform-sidecar.dll</c>): <c>PLATFORM_SIDECAR</c> when set, else the build
/// output under <c>tools/sidecar/Platform.Sidecar/bin/{Release|Debug}/net10.0</c> found by walking up from
/// this CLI's own folder and from the run file's folder (the CLI's own build configuration first).
/// </summary>
internal static class SidecarLocator
{
    /// <summary>The environment variable that names the sidecar dll explicitly.</summary>
    public const string Variable = "PLATFORM_SIDECAR";

    /// <summary>The sidecar's path relative to the repository root, without the configuration.</summary>
    public const string RelativeFolder = "tools/sidecar/Platform.Sidecar/bin";

    /// <summary>The dll's file name.</summary>
    public const string FileName = "platform-sidecar.dll";

    /// <summary>The full path of the sidecar dll, or null with <paramref name="problem"/> saying what to do.</summary>
    public static string? Find(string runFileDir, out string? problem)
    {
        problem = null;
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } explicitPath)
        {
            if (File.Exists(explicitPath)) return Path.GetFullPath(explicitPath);
            problem = $"{Variable} names \"{explicitPath}\", which does not exist";
            return null;
        }
        var own = AppContext.BaseDirectory;
        string[] configurations = own.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? ["Debug", "Release"] : ["Release", "Debug"];
        foreach (var start in new[] { own, runFileDir })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                foreach (var configuration in configurations)
                {
                    var candidate = Path.Combine(dir.FullName, RelativeFolder, configuration, "net10.0", FileName);
                    if (File.Exists(candidate)) return candidate;
                }
        problem = $"the bundled sidecar ({RelativeFolder}/Release/net10.0/{FileName}) is not built; run ./platform build (or set {Variable})";
        return null;
    }
}
