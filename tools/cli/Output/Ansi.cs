namespace Platform.Cli.Output;

/// <summary>ANSI SGR sequences, applied only when the target stream wants colours.</summary>
internal static class Ansi
{
    /// <summary>Red, for errors.</summary>
    public const string Red = "\u001b[31m";

    /// <summary>Yellow, for warnings and notices.</summary>
    public const string Yellow = "\u001b[33m";

    /// <summary>Green, for success.</summary>
    public const string Green = "\u001b[32m";

    /// <summary>Dim, for hints.</summary>
    public const string Dim = "\u001b[2m";

    /// <summary>Resets every attribute.</summary>
    public const string Reset = "\u001b[0m";

    /// <summary>Distinct colours for app prefixes, chosen by the app's position in dapr.yaml.</summary>
    public static readonly IReadOnlyList<string> AppColours =
    [
        "\u001b[36m", "\u001b[35m", "\u001b[34m", "\u001b[32m", "\u001b[33m",
        "\u001b[96m", "\u001b[95m", "\u001b[94m", "\u001b[92m", "\u001b[93m",
    ];

    /// <summary><paramref name="text"/> wrapped in <paramref name="colour"/> when <paramref name="enabled"/>.</summary>
    public static string Paint(string text, string colour, bool enabled) => enabled ? colour + text + Reset : text;
}
