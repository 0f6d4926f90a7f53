namespace Platform.Cli.Tests;

/// <summary>The repository root (the folder holding Platform.sln) and this test build's configuration.</summary>
internal static class RepoRoot
{
    public static string Path => Platform.Testing.Builds.Root;

    /// <summary>Debug or Release, as this test assembly was built.</summary>
    public static string Configuration => Platform.Testing.Builds.Configuration;
}
