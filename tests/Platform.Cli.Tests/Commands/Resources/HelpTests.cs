using System.CommandLine;
using Platform.Cli.Output;

namespace Platform.Cli.Tests.Commands.Resources;

/// <summary><c>--help</c> on every command of the tree prints its usage and exits 0 (in process: nothing is contacted).</summary>
public sealed class HelpTests
{
    public static TheoryData<string> Commands() => new(Paths());

    private static List<string> Paths()
    {
        var data = new List<string>();
        void Walk(Command command, string path)
        {
            data.Add(path);
            foreach (var sub in command.Subcommands) Walk(sub, path.Length == 0 ? sub.Name : $"{path} {sub.Name}");
        }
        var root = PlatformCli.Build(new Terminal(TextWriter.Null, TextWriter.Null, false, false));
        foreach (var sub in root.Subcommands) Walk(sub, sub.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Every_command_has_help(string path)
    {
        var output = new StringWriter();
        var code = await PlatformCli.InvokeAsync([.. path.Split(' '), "--help"], new Terminal(output, new StringWriter(), false, false));
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("Usage:", output.ToString());
        Assert.Contains(path.Split(' ')[^1], output.ToString());
    }

    [Fact]
    public void The_tree_holds_the_kn_style_commands()
    {
        var paths = Paths().ToHashSet();
        foreach (var expected in new[]
                 {
                     "apply", "get", "describe", "delete",
                     "service create", "service update", "service list", "service describe", "service delete", "service logs",
                     "revision list", "revision describe", "revision delete", "route list", "route describe",
                     "broker create", "broker list", "broker describe", "broker delete",
                     "trigger create", "trigger list", "trigger describe", "trigger delete",
                     "source ping create", "source ping list", "source ping delete",
                     "channel create", "channel list", "channel describe", "channel delete",
                     "subscription create", "subscription list", "subscription delete",
                 })
            Assert.Contains(expected, paths);
    }

    [Fact]
    public async Task Service_create_help_lists_kn_flags()
    {
        var output = new StringWriter();
        await PlatformCli.InvokeAsync(["service", "update", "--help"], new Terminal(output, new StringWriter(), false, false));
        foreach (var flag in new[] { "--image", "--cmd", "--arg", "--env", "--port", "--concurrency-limit", "--scale-min", "--scale-max", "--annotation", "--revision-name", "--wait", "--no-wait", "--wait-timeout", "--traffic", "--tag", "--untag", "--namespace", "--server", "--kubeconfig", "--context" })
            Assert.Contains(flag, output.ToString());
    }
}
