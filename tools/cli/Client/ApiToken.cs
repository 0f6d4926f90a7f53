namespace Platform.Cli.Client;

/// <summary>
/// Where the CLI finds the local API's bearer token: <c>PLATFORM_API_TOKEN</c>, else the <c>.platform/api-token</c>
/// that <c>platform up</c> wrote beside dapr.yaml, looked for in the current folder and each folder above it.
/// </summary>
internal static class ApiToken
{
    /// <summary>Environment variable holding a token (e.g. the read-only one, or one copied to another machine).</summary>
    public const string Variable = "PLATFORM_API_TOKEN";

    /// <summary>The token, or null when there is none (the API then answers 401 saying where it lives).</summary>
    public static string? Find(string startDirectory)
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } token) return token.Trim();
        for (var dir = new DirectoryInfo(startDirectory); dir is not null; dir = dir.Parent)
        {
            var file = Path.Combine(dir.FullName, ".platform", Runner.Secrets.RunSecrets.ApiTokenFile);
            if (File.Exists(file)) return File.ReadAllText(file).Trim();
        }
        return null;
    }
}
