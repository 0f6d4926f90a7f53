using System.Diagnostics;
using Xunit.Abstractions;

namespace Platform.Cli.Tests.Commands.Resources;

/// <summary>Runs the built CLI (<c>tools/cli/bin/{configuration}/net10.0/platform.dll</c>) as a child process against an API.</summary>
public static class CliProcess
{
    public static string Dll { get; } = Platform.Testing.Builds.Output("tools/cli", "platform.dll");

    /// <summary>Runs <c>platform {args}</c> with <c>PLATFORM_SERVER={server}</c>, feeding <paramref name="stdin"/> when given.</summary>
    public static async Task<(int Code, string Out, string Err)> RunAsync(string server, ITestOutputHelper log, string? stdin, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["PLATFORM_SERVER"] = server;
        info.Environment["NO_COLOR"] = "1";
        info.Environment.Remove("KUBECONFIG");
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"platform {string.Join(' ', args)} did not finish within 60 s");
        }
        var (o, e) = (await output, await error);
        log.WriteLine($"$ platform {string.Join(' ', args)}  → exit {process.ExitCode}\n{o}{e}");
        return (process.ExitCode, o, e);
    }
}
