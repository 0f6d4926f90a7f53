using System.Diagnostics;
using System.Text;

namespace Platform.Testing.Processes;

/// <summary>A real .NET program of the repository on loopback (a service, the sidecar), killed with its children on dispose.</summary>
public sealed class TestProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private TestProcess(Process process) => _process = process;

    /// <summary>Everything the process printed so far (for failure messages).</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>The last lines it printed.</summary>
    public string Tail(int lines = 40) => string.Join('\n', Output.Split('\n').TakeLast(lines));

    /// <summary>Whether it exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Its pid.</summary>
    public int Pid => _process.Id;

    /// <summary>Starts <c>dotnet {dll} {args}</c> in the dll's folder with <paramref name="environment"/> added.</summary>
    public static TestProcess Start(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in environment) info.Environment[k] = v;
        var process = Process.Start(info)!;
        var app = new TestProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (app._output) app._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (app._output) app._output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    /// <summary>Waits until <paramref name="url"/> answers 2xx; fails with the output when the process exits or time runs out.</summary>
    public async Task WaitUntilAsync(string url, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                var code = await WaitForExitAsync(TimeSpan.FromSeconds(5));
                throw new InvalidOperationException($"process exited with {code}{UnhandledException(Output)}:\n{Output}");
            }
            try
            {
                using var response = await http.GetAsync(url);
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{url} did not answer within {timeout}:\n{Output}");
    }

    /// <summary>
    /// The program's "Unhandled exception." line, if it printed one, for the first line of a failure message (which is
    /// all that a summary of failures shows).
    /// </summary>
    public static string UnhandledException(string output) =>
        output.Split('\n').FirstOrDefault(l => l.StartsWith("Unhandled exception.", StringComparison.Ordinal)) is { } line
            ? " (" + (line.Length > 300 ? line[..300] + "…" : line.TrimEnd()) + ")"
            : "";

    /// <summary>
    /// Waits until the process exits and everything it printed has been read (<see cref="HasExited"/> turns true
    /// before the output readers reach the end); its exit code. Fails with the output when time runs out.
    /// </summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the process did not exit within {timeout}:\n{Output}");
        }
        return _process.ExitCode;
    }

    /// <summary>Kills the process (SIGKILL, with its children) and waits for it.</summary>
    public async Task KillAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException) { }
        catch (TimeoutException) { }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
