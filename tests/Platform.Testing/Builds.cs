namespace Platform.Testing;

/// <summary>
/// Where the programs that tests start as processes were built. A test uses the build of its own configuration
/// (the one its assembly sits in: <c>bin/Release/net10.0</c> under <c>./platform test</c>) and never another's, and it
/// never builds: a missing build fails the test with the command that makes it.
/// </summary>
public static class Builds
{
    /// <summary>The repository root (the folder holding Platform.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary><c>Release</c> or <c>Debug</c>: the configuration of the running test assembly.</summary>
    public static string Configuration { get; } = FindConfiguration();

    /// <summary>
    /// A file of a project's build output, e.g. <c>Output("samples/helloworld", "helloworld.dll")</c>; an empty
    /// <paramref name="file"/> gives the output folder.
    /// </summary>
    /// <exception cref="FileNotFoundException">That project is not built in <see cref="Configuration"/>.</exception>
    public static string Output(string project, string file)
    {
        var path = Path.Combine(Root, project, "bin", Configuration, "net10.0", file);
        if (file.Length == 0 ? Directory.Exists(path) : File.Exists(path)) return path;
        throw new FileNotFoundException(
            $"{project} is not built in {Configuration} (no {Path.GetRelativePath(Root, path)}): run `dotnet build Platform.sln -c {Configuration}` " +
            "first (./platform test does); tests neither build nor fall back to another configuration's binaries", path);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln"))) return dir.FullName;
        throw new InvalidOperationException("Platform.sln not found above " + AppContext.BaseDirectory);
    }

    // .../bin/{Configuration}/net10.0/
    private static string FindConfiguration()
    {
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        return framework.Parent is { Name: "Release" or "Debug" } configuration
            ? configuration.Name
            : throw new InvalidOperationException($"cannot tell the build configuration from {AppContext.BaseDirectory} (expected bin/<Configuration>/net10.0)");
    }
}
