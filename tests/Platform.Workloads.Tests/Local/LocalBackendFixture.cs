using Platform.Serving.Contracts.Revisions;
using Platform.Workloads.Local;

namespace Platform.Workloads.Tests.Local;

/// <summary>The repository root and the built helloworld sample (of this test build's configuration).</summary>
public sealed class HelloWorldApp : IAsyncLifetime
{
    public string RepositoryRoot => Platform.Testing.Builds.Root;

    /// <summary>Relative to <see cref="RepositoryRoot"/>, as a revision's args would say it.</summary>
    public string Dll { get; } = Path.GetRelativePath(Platform.Testing.Builds.Root, Platform.Testing.Builds.Output("samples/helloworld", "helloworld.dll"));

    public Task InitializeAsync() => Task.CompletedTask;

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
            // No data plane acknowledges endpoints here: a scale-down waits this long (the drain tests set their own).
            DrainTimeout = TimeSpan.FromMilliseconds(200),
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
