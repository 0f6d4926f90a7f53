using System.CommandLine;

namespace Platform.Cli.Commands;

/// <summary>The <c>-f/--file</c> option shared by up, down and status: a dapr.yaml, or a folder holding one.</summary>
internal static class RunFileArgument
{
    /// <summary>The default file name, as the Dapr CLI looks for it.</summary>
    public const string DefaultName = "dapr.yaml";

    /// <summary>Creates the option.</summary>
    public static Option<string> Create() => new("--file", "-f")
    {
        Description = "The multi-app run file (Dapr's dapr.yaml), or a folder holding dapr.yaml",
        DefaultValueFactory = _ => DefaultName,
        HelpName = "FILE",
    };

    /// <summary>The absolute path of the run file and its name for messages.</summary>
    public static (string Path, string Label) Resolve(string value)
    {
        var full = System.IO.Path.GetFullPath(value);
        if (Directory.Exists(full))
        {
            full = System.IO.Path.Combine(full, DefaultName);
            value = System.IO.Path.Combine(value, DefaultName);
        }
        return (full, System.IO.Path.GetRelativePath(Environment.CurrentDirectory, full) is var rel && !rel.StartsWith("..", StringComparison.Ordinal) ? rel : value);
    }

    /// <summary>The <c>.platform</c> folder of a run file.</summary>
    public static string PlatformDir(string runFilePath) => System.IO.Path.Combine(System.IO.Path.GetDirectoryName(runFilePath)!, ".platform");
}
