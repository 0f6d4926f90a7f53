using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Cli.Tests.Commands;

/// <summary>
/// The real CLI as a child process: <c>up --detach</c> / <c>status</c> / <c>down</c> with two apps and their real
/// sidecars, and the refusals and failures that must name the app and leave nothing running. Each "app" is
/// itself a sidecar process (it serves <c>/v1.0/healthz</c>), so no other runtime is needed.
/// </summary>
public sealed class UpDownTests(PlatformProcess cli, ITestOutputHelper log) : IClassFixture<PlatformProcess>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("platform-cli-up-");
    private readonly PlatformProcess _cli = cli;

    public void Dispose()
    {
        // Safety net: never leave a process of this test behind, even when an assertion failed.
        foreach (var pid in PlatformProcess.ProcessesMentioning(_dir.FullName))
            try { System.Diagnostics.Process.GetProcessById(pid).Kill(entireProcessTree: true); } catch (ArgumentException) { } catch (InvalidOperationException) { }
        try { _dir.Delete(recursive: true); } catch (IOException) { }
    }

    private sealed record Ports(int App, int DaprHttp);

    /// <summary>Writes dapr.yaml with in-memory components; <paramref name="commands"/> replaces an app's command.</summary>
    private (Ports Alpha, Ports Beta) WriteRunFile(Dictionary<string, string>? commands = null)
    {
        var components = Directory.CreateDirectory(Path.Combine(_dir.FullName, "components"));
        File.WriteAllText(Path.Combine(components.FullName, "pubsub.yaml"),
            "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: pubsub\nspec:\n  type: pubsub.in-memory\n  version: v1\n  metadata: []\n");
        File.WriteAllText(Path.Combine(components.FullName, "statestore.yaml"),
            "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: statestore\nspec:\n  type: state.in-memory\n  version: v1\n  metadata:\n    - name: actorStateStore\n      value: \"true\"\n");
        var registry = Directory.CreateDirectory(Path.Combine(_dir.FullName, "app-registry")).FullName;
        var taken = new HashSet<int>();
        int Free() { int p; do p = FreePort.Next(); while (!taken.Add(p)); return p; }
        var alpha = new Ports(Free(), Free());
        var beta = new Ports(Free(), Free());

        string AppCommand(string id, int port) => commands?.GetValueOrDefault(id) ?? JsonSerializer.Serialize(new[]
        {
            _cli.Dotnet, _cli.SidecarDll, "--app-id", id + "-app", "--dapr-http-port", port.ToString(), "--dapr-grpc-port", Free().ToString(),
            "--metrics-port", Free().ToString(), "--resources-path", components.FullName, "--registry-dir", registry,
            "--app-protocol", "http", "--app-channel-address", "127.0.0.1",
        });
        string App(string id, Ports p) => $"""
              - appID: {id}
                appDirPath: ./
                appPort: {p.App}
                daprHTTPPort: {p.DaprHttp}
                command: {AppCommand(id, p.App)}
            """;
        File.WriteAllText(Path.Combine(_dir.FullName, "dapr.yaml"), $"""
            version: 1
            common:
              resourcesPaths: [./components]
              enableAppHealthCheck: true
              appHealthCheckPath: /v1.0/healthz
            apps:
            {App("alpha", alpha)}
            {App("beta", beta)}
            """);
        return (alpha, beta);
    }

    private string StatePath => Path.Combine(_dir.FullName, ".platform", "run", "state.json");

    private static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Up_detach_starts_every_app_healthy_and_down_stops_them_all()
    {
        var (alpha, beta) = WriteRunFile();
        var (code, output, error) = await _cli.RunAsync(_dir.FullName, log, Timeout, "up", "--detach", "--timeout", "60");
        Assert.True(code == 0, error);
        Assert.Contains("ready", output);
        Assert.Contains("alpha", output);
        Assert.Contains("beta", output);

        using (var state = JsonDocument.Parse(File.ReadAllText(StatePath)))
        {
            Assert.Equal("Ready", state.RootElement.GetProperty("phase").GetString());
            // two sidecars + two apps, in their own process groups
            Assert.Equal(4, state.RootElement.GetProperty("processes").GetArrayLength());
        }
        Assert.True(Listening(alpha.App) && Listening(alpha.DaprHttp) && Listening(beta.App) && Listening(beta.DaprHttp));
        using (var http = new HttpClient())
            Assert.Equal(HttpStatusCode.NoContent, (await http.GetAsync($"http://127.0.0.1:{beta.DaprHttp}/v1.0/healthz")).StatusCode);
        Assert.True(File.Exists(Path.Combine(_dir.FullName, ".platform", "logs", "alpha.log")));

        (code, output, _) = await _cli.RunAsync(_dir.FullName, log, Timeout, "status");
        Assert.Equal(0, code);
        Assert.Contains("healthy", output);

        (code, output, error) = await _cli.RunAsync(_dir.FullName, log, Timeout, "up", "--detach");
        Assert.Equal(1, code);
        Assert.Contains("is already running", error);

        (code, output, _) = await _cli.RunAsync(_dir.FullName, log, Timeout, "down");
        Assert.Equal(0, code);
        Assert.Contains("stopped alpha, beta", output);
        Assert.Empty(PlatformProcess.ProcessesMentioning(_dir.FullName));
        Assert.False(File.Exists(StatePath));
        Assert.False(Listening(alpha.App) || Listening(alpha.DaprHttp) || Listening(beta.App) || Listening(beta.DaprHttp));

        (code, output, _) = await _cli.RunAsync(_dir.FullName, log, Timeout, "down");
        Assert.Equal(0, code);
        Assert.Contains("nothing is running", output);
    }

    [Fact]
    public async Task A_port_already_taken_is_refused_naming_the_app()
    {
        var (_, beta) = WriteRunFile();
        using var squatter = new TcpListener(IPAddress.Loopback, beta.DaprHttp);
        squatter.Start();
        var (code, _, error) = await _cli.RunAsync(_dir.FullName, log, Timeout, "up", "--detach");
        Assert.Equal(1, code);
        Assert.Contains($"beta: daprHTTPPort {beta.DaprHttp} is already in use on 127.0.0.1", error);
        Assert.Contains("nothing was started", error);
        Assert.Empty(PlatformProcess.ProcessesMentioning(_dir.FullName));
        Assert.False(File.Exists(StatePath));
    }

    [Fact]
    public async Task An_app_that_exits_is_named_with_its_output_and_the_others_are_stopped()
    {
        var (alpha, _) = WriteRunFile(new()
        {
            ["beta"] = """["sh", "-c", "sleep 2; echo beta cannot reach its database; exit 3"]""",
        });
        var (code, _, error) = await _cli.RunAsync(_dir.FullName, log, Timeout, "up", "--timeout", "60");
        Assert.Equal(1, code);
        Assert.Contains("error: beta exited with code 3", error);
        Assert.Contains("beta cannot reach its database", error);
        Assert.Contains("every other app was stopped", error);
        Assert.Empty(PlatformProcess.ProcessesMentioning(_dir.FullName));
        Assert.False(Listening(alpha.App) || Listening(alpha.DaprHttp));
        Assert.False(File.Exists(StatePath));
        Assert.Contains("beta cannot reach its database", File.ReadAllText(Path.Combine(_dir.FullName, ".platform", "logs", "beta.log")));
    }

    [Fact]
    public async Task A_malformed_run_file_is_refused_by_the_real_binary_and_nothing_starts()
    {
        WriteRunFile();
        var file = Path.Combine(_dir.FullName, "dapr.yaml");
        File.WriteAllText(file, File.ReadAllText(file).Replace("appPort:", "appPort: 99999 #"));
        var (code, _, error) = await _cli.RunAsync(_dir.FullName, log, Timeout, "up", "--detach");
        Assert.Equal(2, code);
        Assert.Contains("dapr.yaml: apps[0].appPort: must be a port number 1-65535, got \"99999\"", error);
        Assert.Contains("dapr.yaml: apps[1].appPort: must be a port number 1-65535, got \"99999\"", error);
        Assert.Empty(PlatformProcess.ProcessesMentioning(_dir.FullName));
        Assert.False(Directory.Exists(Path.Combine(_dir.FullName, ".platform", "run")));
    }

    [Fact]
    public async Task Foreground_up_prefixes_logs_and_stops_everything_on_SIGTERM()
    {
        var (alpha, beta) = WriteRunFile();
        var (process, output) = await _cli.StartAsync(_dir.FullName, "ready", Timeout, "up", "--timeout", "60");
        using (process)
        {
            Assert.True(Listening(alpha.App) && Listening(beta.DaprHttp));
            lock (output)
            {
                // every line of a child carries its name; the sidecar's as "(dapr)"
                Assert.Matches(@"(?m)^alpha \(dapr\) +\| ", output.ToString());
                Assert.Matches(@"(?m)^beta +\| ", output.ToString());
            }
            Assert.True(Platform.Cli.Runner.Processes.Signals.Send(process.Id, Platform.Cli.Runner.Processes.Signals.Terminate));
            await process.WaitForExitAsync().WaitAsync(Timeout);
            Assert.Equal(0, process.ExitCode);
        }
        Assert.Empty(PlatformProcess.ProcessesMentioning(_dir.FullName));
        Assert.False(File.Exists(StatePath));
    }

    [Fact]
    public async Task Processes_of_a_killed_runner_are_cleaned_up_by_down()
    {
        WriteRunFile();
        var (process, _) = await _cli.StartAsync(_dir.FullName, "ready", Timeout, "up", "--timeout", "60");
        using (process)
        {
            process.Kill(); // SIGKILL: the runner cannot stop its children
            await process.WaitForExitAsync().WaitAsync(Timeout);
        }
        Assert.NotEmpty(PlatformProcess.ProcessesMentioning(_dir.FullName));
        var (code, output, error) = await _cli.RunAsync(_dir.FullName, log, Timeout, "status");
        Assert.Equal(1, code);
        Assert.Contains("the runner of dapr.yaml", error);
        Assert.Contains("is gone without stopping its apps", error);
        (code, output, _) = await _cli.RunAsync(_dir.FullName, log, Timeout, "down");
        Assert.Equal(0, code);
        Assert.Contains("the runner of dapr.yaml was gone; killed 4 process(es) it left behind", output);
        await Condition.UntilAsync(() => PlatformProcess.ProcessesMentioning(_dir.FullName).Count == 0, Timeout, "no process of the killed runner is left");
    }

    private JsonElement State()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(StatePath));
        return doc.RootElement.Clone();
    }

    private int PidOf(string name) => State().GetProperty("processes").EnumerateArray()
        .First(p => p.GetProperty("name").GetString() == name).GetProperty("pid").GetInt32();

    private int CrashesOf(string name) => File.Exists(StatePath) && State().TryGetProperty("crashes", out var crashes)
        ? crashes.EnumerateArray().Where(c => c.GetProperty("name").GetString() == name).Select(c => c.GetProperty("crashes").GetInt32()).FirstOrDefault()
        : 0;

    [Fact]
    public async Task A_crashed_app_and_a_crashed_sidecar_are_restarted_and_reported_while_the_rest_keeps_running()
    {
        var (alpha, beta) = WriteRunFile();
        var (code, _, error) = await _cli.RunAsync(_dir.FullName, log, Timeout, "up", "--detach", "--timeout", "60");
        Assert.True(code == 0, error);
        var betaApp = PidOf("beta");

        // kill -9 of an app and of another app's sidecar: each is restarted; nothing else is touched.
        System.Diagnostics.Process.GetProcessById(PidOf("alpha")).Kill();
        System.Diagnostics.Process.GetProcessById(PidOf("beta (dapr)")).Kill();
        await Condition.UntilAsync(() => CrashesOf("alpha") == 1 && CrashesOf("beta (dapr)") == 1, Timeout, "both crashes recorded");
        await Condition.UntilAsync(() => Listening(alpha.App) && Listening(beta.DaprHttp), Timeout, "alpha and beta's sidecar listen again");
        Assert.Equal(betaApp, PidOf("beta"));

        await Condition.UntilAsync(async () => (await _cli.RunAsync(_dir.FullName, log, Timeout, "status")).Code == 0, Timeout, "status healthy again");
        var (_, output, _) = await _cli.RunAsync(_dir.FullName, log, Timeout, "status");
        Assert.Contains("restarted after a crash", output);
        Assert.Matches(@"alpha[^\w\n]+1[^\w\n]+137", output);
        Assert.Matches(@"beta \(dapr\)[^\w\n]+1[^\w\n]+137", output);
        Assert.Equal("Ready", State().GetProperty("phase").GetString());

        (code, output, _) = await _cli.RunAsync(_dir.FullName, log, Timeout, "down");
        Assert.Equal(0, code);
        Assert.Empty(PlatformProcess.ProcessesMentioning(_dir.FullName));
    }

    [Fact]
    public async Task The_next_up_keeps_the_previous_runs_logs()
    {
        WriteRunFile();
        Assert.Equal(0, (await _cli.RunAsync(_dir.FullName, log, Timeout, "up", "--detach", "--timeout", "60")).Code);
        Assert.Equal(0, (await _cli.RunAsync(_dir.FullName, log, Timeout, "down")).Code);
        var first = File.ReadAllText(Path.Combine(_dir.FullName, ".platform", "logs", "alpha.log"));
        Assert.NotEmpty(first);

        Assert.Equal(0, (await _cli.RunAsync(_dir.FullName, log, Timeout, "up", "--detach", "--timeout", "60")).Code);
        Assert.Equal(0, (await _cli.RunAsync(_dir.FullName, log, Timeout, "down")).Code);
        var runs = Directory.GetDirectories(Path.Combine(_dir.FullName, ".platform", "logs", "runs"));
        var previous = Assert.Single(runs);
        Assert.Equal(first, File.ReadAllText(Path.Combine(previous, "alpha.log")));
        Assert.True(File.Exists(Path.Combine(previous, "up.log")));
    }
}
