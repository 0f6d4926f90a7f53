namespace Platform.Testing;

/// <summary>
/// Tables of measured figures: each row appended to <c>{table}.figures.tsv</c> in the test results folder
/// (<c>PLATFORM_TEST_RESULTS</c>, set by <c>./platform test</c>, which prints every such table at the end of the run;
/// else <c>.test-results</c> of the checkout). Tab-separated, the header written once.
/// </summary>
public static class Figures
{
    private static readonly Lock Gate = new();

    /// <summary>Appends <paramref name="cells"/> as one row of <paramref name="table"/>; returns the row as written.</summary>
    public static string Append(string table, IReadOnlyList<string> header, IReadOnlyList<string> cells)
    {
        var dir = Environment.GetEnvironmentVariable("PLATFORM_TEST_RESULTS") is { Length: > 0 } d ? d : Path.Combine(Builds.Root, ".test-results");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, table + ".figures.tsv");
        var row = string.Join('\t', cells);
        lock (Gate)
        {
            if (!File.Exists(file)) File.WriteAllText(file, string.Join('\t', header) + "\n");
            File.AppendAllText(file, row + "\n");
        }
        return row;
    }
}

/// <summary>What one fault cost, as measured; a row of the <c>faults</c> table.</summary>
/// <param name="Fault">The fault, e.g. <c>kill -9 of the activator under load</c>.</param>
/// <param name="Sent">Requests or events sent, or resources written, around the fault.</param>
/// <param name="Ok">Requests answered 2xx, events accepted (202), or resources acknowledged.</param>
/// <param name="Errors">Requests that failed, or events refused while a part was down (a producer sends them again).</param>
/// <param name="Duplicates">Events delivered more than once (at-least-once); 0 for requests.</param>
/// <param name="Lost">Accepted events not delivered (dead-lettered counts as delivered), or acknowledged resources missing; must be 0.</param>
/// <param name="Recovered">From the fault to the platform serving again.</param>
public sealed record FaultFigure(string Fault, long Sent, long Ok, long Errors, long Duplicates, long Lost, TimeSpan Recovered)
{
    private static readonly string[] Header = ["FAULT", "SENT", "OK", "ERRORS", "DUPLICATES", "LOST", "RECOVERED IN"];

    /// <summary>Appends this figure to the <c>faults</c> table; returns the row.</summary>
    public string Record() => Figures.Append("faults", Header,
        [Fault, $"{Sent}", $"{Ok}", $"{Errors}", $"{Duplicates}", $"{Lost}", $"{Recovered.TotalSeconds:0.00} s"]);
}
