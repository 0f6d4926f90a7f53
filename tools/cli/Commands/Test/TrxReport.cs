using System.Globalization;
using System.Xml.Linq;

namespace Platform.Cli.Commands.Test;

/// <summary>How one test ended, as the summary counts it.</summary>
internal enum TestVerdict
{
    /// <summary>Passed.</summary>
    Passed,
    /// <summary>Failed, errored, timed out or was aborted: each is a failure.</summary>
    Failed,
    /// <summary>Not run (a skip), with its reason.</summary>
    Skipped,
}

/// <summary>One test's result from a TRX file.</summary>
/// <param name="Name">The test's full name.</param>
/// <param name="Verdict">How it ended.</param>
/// <param name="Outcome">The TRX outcome as written (<c>Passed</c>, <c>Failed</c>, <c>NotExecuted</c>, <c>Timeout</c>, ...).</param>
/// <param name="Message">The failure message or the skip reason; empty when none.</param>
internal sealed record TestResult(string Name, TestVerdict Verdict, string Outcome, string Message);

/// <summary>
/// Reads the results out of a Visual Studio TRX file (what <c>dotnet test --logger trx</c> writes), pure over the
/// XML: one <see cref="TestResult"/> per <c>UnitTestResult</c>. Outcomes other than Passed and NotExecuted
/// (Failed, Error, Timeout, Aborted, ...) count as failures, so that a timeout is never mistaken for a skip.
/// </summary>
internal static class TrxReport
{
    private static readonly XNamespace Ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    /// <summary>Every result in <paramref name="trx"/>.</summary>
    public static IReadOnlyList<TestResult> Read(XDocument trx)
    {
        var results = new List<TestResult>();
        foreach (var r in trx.Descendants(Ns + "UnitTestResult"))
        {
            var outcome = (string?)r.Attribute("outcome") ?? "";
            var verdict = outcome switch
            {
                "Passed" => TestVerdict.Passed,
                "NotExecuted" or "Inconclusive" => TestVerdict.Skipped,
                _ => TestVerdict.Failed,
            };
            var output = r.Element(Ns + "Output");
            var message = (string?)output?.Element(Ns + "ErrorInfo")?.Element(Ns + "Message")
                ?? (verdict == TestVerdict.Skipped ? (string?)output?.Element(Ns + "StdOut") : null)
                ?? "";
            results.Add(new TestResult((string?)r.Attribute("testName") ?? "?", verdict, outcome, message.Trim()));
        }
        return results;
    }

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    public static IReadOnlyList<TestResult> ReadFile(string path) => Read(XDocument.Load(path));

    /// <summary>The summary line CI reads: <c>tests: 10 passed, 1 failed, 2 skipped</c>.</summary>
    public static string SummaryLine(int passed, int failed, int skipped) =>
        string.Create(CultureInfo.InvariantCulture, $"tests: {passed} passed, {failed} failed, {skipped} skipped");
}
