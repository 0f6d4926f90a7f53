using Platform.Cli.Output;

namespace Platform.Cli.Tests.Output;

public class ColourPolicyTests
{
    [Theory]
    [InlineData(true, null, "xterm", true)]
    [InlineData(true, "", "xterm", true)]
    [InlineData(true, "1", "xterm", false)]
    [InlineData(false, null, "xterm", false)]
    [InlineData(true, null, "dumb", false)]
    [InlineData(true, null, null, true)]
    public void Colours_only_on_a_terminal_without_NO_COLOR(bool terminal, string? noColor, string? term, bool want) =>
        Assert.Equal(want, ColourPolicy.Enabled(terminal, noColor, term));
}
