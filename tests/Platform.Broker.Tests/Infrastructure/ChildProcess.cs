using System.Collections.Concurrent;
using System.Diagnostics;

namespace Platform.Broker.Tests.Infrastructure;

/// <summary>A real process (a built dll run with <c>dotnet</c>), its output kept, killed with its tree on dispose.</summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Keep(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Keep(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private void Keep(string line)
    {
        _output.Enqueue(line);
        while (_output.Count > 4000) _output.TryDequeue(out _);
    }

    /// <summary>What it is (for messages).</summary>
    public string Name { get; }

    /// <summary>True once it exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The last lines it printed.</summary>
    public string Output => string.Join('\n', _output.TakeLast(200));

    /// <summary>Starts <c>dotnet {dll} {args}</c> with extra environment variables.</summary>
    public static ChildProcess Start(string name, string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment)
    {
        if (!File.Exists(dll)) throw new FileNotFoundException($"{name}: {dll} is not built", dll);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(dll)! };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var key in new[] { "DAPR_API_TOKEN", "APP_API_TOKEN", "ASPNETCORE_URLS", "APP_PORT", "DAPR_GRPC_PORT", "DAPR_HTTP_PORT" }) psi.Environment.Remove(key);
        psi.Environment["DOTNET_gcServer"] = "0";
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        return new ChildProcess(Process.Start(psi)!, name);
    }

    /// <summary>Waits until <paramref name="url"/> answers with <paramref name="expected"/>; throws with the output when it never does.</summary>
    public async Task WaitForAsync(string url, int expected, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}{Platform.Testing.Processes.TestProcess.UnhandledException(Output)}:\n{Output}");
            try
            {
                using var response = await http.GetAsync(url);
                if ((int)response.StatusCode == expected) return;
                last = $"{(int)response.StatusCode}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{Name} did not answer {url} with {expected} (last: {last}):\n{Output}");
    }

    /// <summary>Kills it at once (the crash test) and waits for the exit.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        await _process.WaitForExitAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
