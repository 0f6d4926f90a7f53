using System.Xml.Linq;
using Platform.Cli.Commands.Test;

namespace Platform.Cli.Tests.Commands.Test;

public sealed class TrxReportTests
{
    // The shape `dotnet test --logger trx` writes (trimmed to what the report reads).
    private const string Trx = """
        <?xml version="1.0" encoding="utf-8"?>
        <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
          <Results>
            <UnitTestResult testName="A.passes" outcome="Passed" />
            <UnitTestResult testName="A.fails" outcome="Failed">
              <Output><ErrorInfo><Message>Assert.Equal() Failure
        Expected: 1</Message></ErrorInfo></Output>
            </UnitTestResult>
            <UnitTestResult testName="A.skips" outcome="NotExecuted">
              <Output><ErrorInfo><Message>redis-server is not installed</Message></ErrorInfo></Output>
            </UnitTestResult>
            <UnitTestResult testName="A.times.out" outcome="Timeout" />
            <UnitTestResult testName="A.errors" outcome="Error" />
            <UnitTestResult testName="A.aborted" outcome="Aborted" />
          </Results>
        </TestRun>
        """;

    [Theory]
    [InlineData("A.passes", "Passed", "")]
    [InlineData("A.fails", "Failed", "Assert.Equal() Failure\nExpected: 1")]
    [InlineData("A.skips", "Skipped", "redis-server is not installed")]
    [InlineData("A.times.out", "Failed", "")]
    [InlineData("A.errors", "Failed", "")]
    [InlineData("A.aborted", "Failed", "")]
    public void Each_outcome_is_counted_as_the_summary_means_it(string name, string verdict, string message)
    {
        var result = TrxReport.Read(XDocument.Parse(Trx)).Single(r => r.Name == name);
        Assert.Equal(verdict, result.Verdict.ToString());
        Assert.Equal(message, result.Message.Replace("\r\n", "\n"));
    }

    [Fact]
    public void The_summary_line_is_the_one_CI_reads() =>
        Assert.Equal("tests: 3 passed, 1 failed, 2 skipped", TrxReport.SummaryLine(3, 1, 2));
}
