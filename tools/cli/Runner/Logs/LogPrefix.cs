using Platform.Cli.Output;

namespace Platform.Cli.Runner.Logs;

/// <summary>Prefixes a child's output line with the process name, padded so the bars line up.</summary>
internal static class LogPrefix
{
    /// <summary>The name shown for an app's sidecar: <c>activator (dapr)</c>.</summary>
    public static string SidecarName(string appId) => appId + " (dapr)";

    /// <summary><c>name | line</c>, the name padded to <paramref name="width"/> and coloured when asked.</summary>
    public static string Format(string name, int width, string line, string? colour)
    {
        var padded = name.PadRight(width);
        return (colour is null ? padded : colour + padded + Ansi.Reset) + " | " + StripControl(line);
    }

    /// <summary>The width that fits every app's sidecar name.</summary>
    public static int Width(IEnumerable<string> appIds) =>
        appIds.Select(id => SidecarName(id).Length).DefaultIfEmpty(0).Max();

    /// <summary>The colour of the app at <paramref name="index"/>.</summary>
    public static string ColourOf(int index) => Ansi.AppColours[index % Ansi.AppColours.Count];

    // A child's own colour codes are kept; a carriage return (progress bars) would overwrite the prefix.
    private static string StripControl(string line) => line.Replace("\r", "", StringComparison.Ordinal);
}
