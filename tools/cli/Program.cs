namespace Platform.Cli;

/// <summary>The <c>platform</c> command's entry point.</summary>
internal static class EntryPoint
{
    private static Task<int> Main(string[] args) => PlatformCli.InvokeAsync(args);
}
