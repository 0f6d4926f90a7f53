using System.Diagnostics;
using Xunit.Abstractions;

namespace Platform.Cli.Tests.Commands;

/// <summary>
/// Runs the built CLI (<c>tools/cli/bin/{configuration}/net10.0/platform.dll</c>) as a child process, with the
/// real sidecar of the same build (<c>PLATFORM_SIDECAR</c>).
/// </summary>
public sealed class PlatformProcess
{
    public string CliDll { get; } = Platform.Testing.Builds.Output("tools/cli", "platform.dll");

    public string SidecarDll { get; } = Platform.Testing.Builds.Output("tools/sidecar/Platform.Sidecar", "platform-sidecar.dll");

    public string Dotnet { get; } = Platform.Cli.Runner.Processes.ChildProcess.FindOnPath("dotnet") ?? "dotnet";

    /// <summary>Starts <c>platform {args}</c> and returns once a stdout line contains <paramref name="until"/>.</summary>
    public async Task<(Process Process, System.Text.StringBuilder Output)> StartAsync(string workingDirectory, string until, TimeSpan timeout, params string[] args)
    {
        var info = StartInfo(workingDirectory, args);
        var process = Process.Start(info)!;
        var output = new System.Text.StringBuilder();
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
            if (e.Data.Contains(until, StringComparison.Ordinal)) seen.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var done = await Task.WhenAny(seen.Task, process.WaitForExitAsync(), Task.Delay(timeout));
        if (done != seen.Task)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            lock (output) throw new InvalidOperationException($"platform {string.Join(' ', args)} did not print \"{until}\":\n{output}");
        }
        return (process, output);
    }

    private ProcessStartInfo StartInfo(string workingDirectory, string[] args)
    {
        var info = new ProcessStartInfo(Dotnet) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(CliDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["PLATFORM_SIDECAR"] = SidecarDll;
        info.Environment["NO_COLOR"] = "1";
        info.Environment.Remove("ASPNETCORE_URLS");
        return info;
    }

    /// <summary>Runs <c>platform {args}</c> in <paramref name="workingDirectory"/> and waits for it.</summary>
    public async Task<(int Code, string Out, string Err)> RunAsync(string workingDirectory, ITestOutputHelper log, TimeSpan timeout, params string[] args)
    {
        using var process = Process.Start(StartInfo(workingDirectory, args))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"platform {string.Join(' ', args)} did not finish within {timeout}");
        }
        var (o, e) = (await output, await error);
        log.WriteLine($"$ platform {string.Join(' ', args)}  → exit {process.ExitCode}\n{o}\n{e}");
        return (process.ExitCode, o, e);
    }

    /// <summary>
    /// Pids of live processes whose command line mentions <paramref name="marker"/> (every process a test's
    /// run starts names the test's folder).
    /// </summary>
    public static IReadOnlyList<int> ProcessesMentioning(string marker)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId) continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var zombie = stat.Length > stat.LastIndexOf(')') + 2 && stat[stat.LastIndexOf(')') + 2] == 'Z';
                if (!zombie && cmdline.Contains(marker, StringComparison.Ordinal)) found.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }
}
