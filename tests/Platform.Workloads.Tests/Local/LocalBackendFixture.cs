using System.Diagnostics;
using Platform.Workloads.Local;

namespace Platform.Workloads.Tests.Local;

/// <summary>The repository root and the built helloworld sample (built here when missing).</summary>
public sealed class HelloWorldApp : IAsyncLifetime
{
    public string RepositoryRoot { get; } = FindRoot();

    /// <summary>Relative to <see cref="RepositoryRoot"/>, as a revision's args would say it.</summary>
    // The Release build made by `./platform test` when present, so no test builds while others run; else Debug.
    public string Dll => File.Exists(Path.Combine(RepositoryRoot, "samples/helloworld/bin/Release/net10.0/helloworld.dll"))
        ? "samples/helloworld/bin/Release/net10.0/helloworld.dll"
        : "samples/helloworld/bin/Debug/net10.0/helloworld.dll";

    public async Task InitializeAsync()
    {
        if (File.Exists(Path.Combine(RepositoryRoot, Dll)))
        {
            return;
        }

        using var build = Process.Start(new ProcessStartInfo("dotnet", ["build", "samples/helloworld", "-nologo", "-v", "q"])
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = build.StandardOutput.ReadToEndAsync();
        await build.WaitForExitAsync();
        Assert.True(build.ExitCode == 0, "dotnet build samples/helloworld failed:\n" + await output);
    }

    /// <summary>Where this class's backends write replica logs; removed when the class is done.</summary>
    public string LogsRoot { get; } = Path.Combine(Path.GetTempPath(), "platform-workloads-tests", Guid.NewGuid().ToString("N")[..8]);

    public Task DisposeAsync()
    {
        if (Directory.Exists(LogsRoot))
        {
            Directory.Delete(LogsRoot, recursive: true);
        }

        return Task.CompletedTask;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Platform.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>Helpers for tests that run real replicas.</summary>
internal static class Replicas
{
    /// <summary>Generous: the machine is loaded; the wait ends at the first matching status.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    public static LocalWorkloadBackend Backend(HelloWorldApp app, Func<LocalBackendOptions, LocalBackendOptions>? tune = null)
    {
        var options = new LocalBackendOptions
        {
            BaseDirectory = app.RepositoryRoot,
            LogsDirectory = Path.Combine(app.LogsRoot, Guid.NewGuid().ToString("N")[..8]),
            DockerSocketPath = "/nonexistent/docker.sock",
            TerminationGracePeriod = TimeSpan.FromSeconds(3),
        };
        return new LocalWorkloadBackend(tune is null ? options : tune(options));
    }

    public static RevisionWorkload Workload(string name, IReadOnlyList<string> command, IReadOnlyList<string>? args = null, IReadOnlyList<EnvironmentVariable>? env = null, int initialScale = 1) => new()
    {
        Revision = new RevisionKey("test", name),
        Service = "svc-" + name,
        Configuration = "cfg-" + name,
        Command = command,
        Args = args ?? [],
        Env = env ?? [],
        InitialScale = initialScale,
    };

    /// <summary>Waits, through the backend's watch, for a status matching <paramref name="predicate"/>.</summary>
    public static async Task<WorkloadStatus> WaitAsync(IWorkloadBackend backend, RevisionKey revision, Func<WorkloadStatus, bool> predicate, string what)
    {
        using var cts = new CancellationTokenSource(Patience);
        WorkloadStatus? last = null;
        try
        {
            await foreach (var status in backend.WatchAsync(cts.Token))
            {
                if (status.Revision != revision)
                {
                    continue;
                }

                last = status;
                if (predicate(status))
                {
                    return status;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        throw new Xunit.Sdk.XunitException($"timed out waiting for {what}; last status: {Describe(last)}");
    }

    public static string Describe(WorkloadStatus? status) => status is null
        ? "none"
        : $"desired {status.Desired} actual {status.Actual} ready {status.Ready} restarts {status.Restarts} failure {status.Failure?.Reason}: {status.Failure?.Message} replicas [{string.Join(", ", status.Replicas)}]";

    public static bool Alive(int pid) => Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1].StartsWith('Z');

    public static async Task<string> GetAsync(ReplicaEndpoint endpoint)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return await http.GetStringAsync($"http://{endpoint.Authority}/");
    }
}
