using Spectre.Console;

namespace Platform.Cli.Output;

/// <summary>
/// Where a command writes: stdout for results, stderr for errors, warnings and progress; each with its own colour
/// decision. Commands take a <see cref="Terminal"/> so tests can capture what they print.
/// </summary>
internal sealed class Terminal
{
    private readonly object _gate = new();

    /// <summary>A terminal over explicit writers.</summary>
    public Terminal(TextWriter output, TextWriter error, bool outputColour, bool errorColour)
    {
        Out = output;
        Error = error;
        OutColour = outputColour;
        ErrorColour = errorColour;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = outputColour ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = outputColour ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
    }

    /// <summary>The process's own console, colours decided by <see cref="ColourPolicy"/>.</summary>
    public static Terminal FromProcess()
    {
        var noColor = Environment.GetEnvironmentVariable("NO_COLOR");
        var term = Environment.GetEnvironmentVariable("TERM");
        return new Terminal(System.Console.Out, System.Console.Error,
            ColourPolicy.Enabled(!System.Console.IsOutputRedirected, noColor, term),
            ColourPolicy.Enabled(!System.Console.IsErrorRedirected, noColor, term));
    }

    /// <summary>Results (tables, "ready").</summary>
    public TextWriter Out { get; }

    /// <summary>Errors, warnings and progress.</summary>
    public TextWriter Error { get; }

    /// <summary>Whether <see cref="Out"/> takes ANSI colours.</summary>
    public bool OutColour { get; }

    /// <summary>Whether <see cref="Error"/> takes ANSI colours.</summary>
    public bool ErrorColour { get; }

    /// <summary>Spectre console over <see cref="Out"/>, for tables.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>A line on stdout.</summary>
    public void Line(string text)
    {
        lock (_gate) Out.WriteLine(text);
    }

    /// <summary>A green line on stdout.</summary>
    public void Success(string text) => Line(Ansi.Paint(text, Ansi.Green, OutColour));

    /// <summary>A progress line on stderr (stdout stays for results).</summary>
    public void Progress(string text)
    {
        lock (_gate) Error.WriteLine(Ansi.Paint(text, Ansi.Dim, ErrorColour));
    }

    /// <summary>A yellow notice on stderr.</summary>
    public void Warn(string text)
    {
        lock (_gate) Error.WriteLine(Ansi.Paint(text, Ansi.Yellow, ErrorColour));
    }

    /// <summary>
    /// A red error on stderr, then <paramref name="hint"/> (what to do about it) when given.
    /// </summary>
    public void Fail(string message, string? hint = null)
    {
        lock (_gate)
        {
            Error.WriteLine(Ansi.Paint("error: " + message, Ansi.Red, ErrorColour));
            if (hint is not null) Error.WriteLine(Ansi.Paint(hint, Ansi.Dim, ErrorColour));
        }
    }

    /// <summary>Several red errors, one per line under a heading, then the hint.</summary>
    public void Fail(string heading, IEnumerable<string> problems, string? hint = null)
    {
        lock (_gate)
        {
            Error.WriteLine(Ansi.Paint("error: " + heading, Ansi.Red, ErrorColour));
            foreach (var p in problems) Error.WriteLine(Ansi.Paint("  " + p, Ansi.Red, ErrorColour));
            if (hint is not null) Error.WriteLine(Ansi.Paint(hint, Ansi.Dim, ErrorColour));
        }
    }

    /// <summary>Writes a Spectre renderable (a table) to stdout.</summary>
    public void Write(Spectre.Console.Rendering.IRenderable renderable)
    {
        lock (_gate) Console.Write(renderable);
    }

    /// <summary>Writes a raw line to stdout under the terminal's lock (used for prefixed log lines).</summary>
    public void Raw(string text) => Line(text);
}
