using Platform.Cli.Output;

namespace Platform.Cli.Tests.Commands;

/// <summary>The command tree in process: usage errors, refusals and "nothing running" answers (nothing is started).</summary>
public sealed class CliTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("platform-cli-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await PlatformCli.InvokeAsync(args, new Terminal(output, error, false, false));
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task No_arguments_print_help()
    {
        var (code, output, _) = await RunAsync();
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("up ", output);
        Assert.Contains("down ", output);
    }

    [Fact]
    public async Task Unknown_option_is_a_usage_error_pointing_at_help()
    {
        var (code, _, error) = await RunAsync("up", "--bogus");
        Assert.Equal(ExitCode.Usage, code);
        Assert.Contains("Unrecognized command or argument '--bogus'", error);
        Assert.Contains("see `platform up --help`", error);
    }

    [Fact]
    public async Task Up_refuses_a_malformed_dapr_yaml_naming_the_field_and_starts_nothing()
    {
        var file = Path.Combine(_dir.FullName, "dapr.yaml");
        File.WriteAllText(file, "version: 1\napps:\n  - appID: a\n    appDirPath: .\n    appPort: x\n    command: [sleep, '60']\n  - appDirPath: ./missing\n    command: []\n");
        var (code, _, error) = await RunAsync("up", "-f", file);
        Assert.Equal(ExitCode.Usage, code);
        Assert.Contains($"{file}: apps[0].appPort: must be a port number 1-65535, got \"x\"", error);
        Assert.Contains($"{file}: apps[1].appID: is required", error);
        Assert.Contains($"{file}: apps[1].appDirPath: folder \"./missing\" does not exist", error);
        Assert.Contains($"{file}: apps[1].command: must not be empty", error);
        Assert.Contains("nothing was started", error);
        Assert.False(Directory.Exists(Path.Combine(_dir.FullName, ".platform", "run")));
    }

    [Fact]
    public async Task Up_refuses_an_invalid_component_naming_file_and_field()
    {
        Directory.CreateDirectory(Path.Combine(_dir.FullName, "components"));
        File.WriteAllText(Path.Combine(_dir.FullName, "components", "pubsub.yaml"),
            "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: pubsub\nspec:\n  type: pubsub.redis\n  metadata:\n    - name: redisHost\n");
        File.WriteAllText(Path.Combine(_dir.FullName, "dapr.yaml"),
            "version: 1\ncommon:\n  resourcesPaths: [./components]\napps:\n  - appID: a\n    appDirPath: .\n    command: [sleep, '60']\n");
        var (code, _, error) = await RunAsync("up", "-f", _dir.FullName);
        Assert.Equal(ExitCode.Usage, code);
        var component = Path.Combine(_dir.FullName, "components", "pubsub.yaml");
        Assert.Contains($"{component}: spec.version: is required (for example v1)", error);
        Assert.Contains($"{component}: spec.metadata[0]: \"redisHost\" needs a value or a secretKeyRef", error);
        Assert.False(Directory.Exists(Path.Combine(_dir.FullName, ".platform", "run")));
    }

    [Fact]
    public async Task Up_refuses_a_missing_components_folder()
    {
        File.WriteAllText(Path.Combine(_dir.FullName, "dapr.yaml"), "version: 1\napps:\n  - appID: a\n    appDirPath: .\n    command: [sleep, '60']\n");
        var (code, _, error) = await RunAsync("up", "-f", _dir.FullName, "--components", Path.Combine(_dir.FullName, "nope"));
        Assert.Equal(ExitCode.Usage, code);
        Assert.Contains("--components: folder", error);
    }

    [Fact]
    public async Task Up_refuses_a_missing_file()
    {
        var (code, _, error) = await RunAsync("up", "-f", Path.Combine(_dir.FullName, "dapr.yaml"));
        Assert.Equal(ExitCode.Usage, code);
        Assert.Contains("dapr.yaml: file not found", error);
    }

    [Fact]
    public async Task Down_and_status_say_when_nothing_runs()
    {
        var (code, output, _) = await RunAsync("down", "-f", _dir.FullName);
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("nothing is running", output);
        (code, output, _) = await RunAsync("status", "-f", _dir.FullName);
        Assert.Equal(ExitCode.Ok, code);
        Assert.Contains("nothing is running", output);
    }

    [SkippableFact]
    public async Task Up_with_dapr_says_when_the_Dapr_CLI_is_missing()
    {
        Skip.If(Platform.Cli.Runner.Processes.ChildProcess.FindOnPath("dapr") is not null, "the Dapr CLI is installed here");
        var (code, _, error) = await RunAsync("up", "--dapr", "-f", _dir.FullName);
        Assert.Equal(ExitCode.Usage, code);
        Assert.Contains("the Dapr CLI (dapr) is not installed", error);
    }
}
