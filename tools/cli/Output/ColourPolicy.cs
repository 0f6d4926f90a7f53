namespace Platform.Cli.Output;

/// <summary>Decides whether a stream gets ANSI colours (https://no-color.org).</summary>
internal static class ColourPolicy
{
    /// <summary>
    /// Colours only on a terminal, and never when <c>NO_COLOR</c> is set to anything non-empty or <c>TERM</c> is
    /// <c>dumb</c>.
    /// </summary>
    public static bool Enabled(bool isTerminal, string? noColor, string? term) =>
        isTerminal && string.IsNullOrEmpty(noColor) && !string.Equals(term, "dumb", StringComparison.Ordinal);
}
