namespace Platform.Faults.Tests;

/// <summary>Records a fault's figures in the <c>faults</c> table and the test's output.</summary>
internal static class FaultFigures
{
    public static void Record(Platform.Testing.FaultFigure figure, Xunit.Abstractions.ITestOutputHelper output) => output.WriteLine(figure.Record());
}
