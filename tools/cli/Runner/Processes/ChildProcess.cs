using System.Diagnostics;

namespace Platform.Cli.Runner.Processes;

/// <summary>
/// A child process in its own process group (started through <c>setsid</c> when available), with its output
/// read line by line and its last lines kept for failure messages. Stopping signals the whole group, so
/// grandchildren (<c>dotnet run</c> → the app) go too.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private const int KeptLines = 30;
    private static readonly Lazy<string?> SetsidPath = new(() => FindOnPath("setsid"));

    private readonly Process _process;
    private readonly Queue<string> _last = new();
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(ProcessSpec spec, Process process, bool ownGroup)
    {
        Spec = spec;
        _process = process;
        OwnGroup = ownGroup;
        Pid = process.Id;
        StartTime = StartTimeOf(process);
    }

    // A child that exited at once (and was reaped) has no start time left to read: now is as good, since the time
    // only tells a recycled pid apart.
    private static DateTimeOffset StartTimeOf(Process process)
    {
        try
        {
            return new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return DateTimeOffset.UtcNow;
        }
    }

    /// <summary>What was started.</summary>
    public ProcessSpec Spec { get; }

    /// <summary>Process id (also the group id when <see cref="OwnGroup"/>).</summary>
    public int Pid { get; }

    /// <summary>When the process started, to recognise it later by pid.</summary>
    public DateTimeOffset StartTime { get; }

    /// <summary>Whether the process leads its own process group.</summary>
    public bool OwnGroup { get; }

    /// <summary>Completes with the exit code once the process has exited and its output is read.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>The last lines the process wrote (stdout and stderr interleaved).</summary>
    public IReadOnlyList<string> LastLines()
    {
        lock (_last) return _last.ToList();
    }

    /// <summary>Starts <paramref name="spec"/>; <paramref name="onLine"/> gets each output line.</summary>
    /// <exception cref="FileNotFoundException">The program is not found.</exception>
    /// <exception cref="System.ComponentModel.Win32Exception">The program cannot be started (not executable).</exception>
    public static ChildProcess Start(ProcessSpec spec, Action<string> onLine)
    {
        var setsid = SetsidPath.Value;
        var program = ResolveProgram(spec.Command[0], spec.WorkingDirectory);
        if (!File.Exists(program))
            throw new FileNotFoundException($"program \"{spec.Command[0]}\" was not found{(spec.Command[0].Contains('/') ? "" : " on PATH")}", program);
        var info = new ProcessStartInfo
        {
            FileName = setsid ?? spec.Command[0],
            WorkingDirectory = spec.WorkingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (setsid is not null)
        {
            // setsid execs the program in place (same pid) unless it is already a group leader, which a fresh child is not.
            info.ArgumentList.Add(program);
        }
        foreach (var arg in spec.Command.Skip(1)) info.ArgumentList.Add(arg);
        foreach (var name in spec.Environment.Remove) info.Environment.Remove(name);
        foreach (var (k, v) in spec.Environment.Set) info.Environment[k] = v;

        if (setsid is null) info.FileName = program;
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.Start();
        var child = new ChildProcess(spec, process, setsid is not null);
        process.StandardInput.Close();
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data, onLine);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data, onLine);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _ = child.WatchAsync();
        return child;
    }

    private async Task WatchAsync()
    {
        try
        {
            await _process.WaitForExitAsync().ConfigureAwait(false);
            _exited.TrySetResult(_process.ExitCode);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            _exited.TrySetResult(-1);
        }
    }

    private void OnLine(string? line, Action<string> onLine)
    {
        if (line is null) return;
        lock (_last)
        {
            _last.Enqueue(line);
            while (_last.Count > KeptLines) _last.Dequeue();
        }
        onLine(line);
    }

    /// <summary>
    /// Asks the process (its group) to stop with SIGTERM, waits up to <paramref name="grace"/>, then SIGKILLs
    /// whatever is left of the group.
    /// </summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!Exited.IsCompleted)
        {
            if (OwnGroup) Signals.SendToGroup(Pid, Signals.Terminate);
            else Signals.Send(Pid, Signals.Terminate);
            await Task.WhenAny(Exited, Task.Delay(grace)).ConfigureAwait(false);
        }
        if (OwnGroup)
        {
            // Grandchildren may outlive the leader; a group id is never reused while members remain.
            if (Signals.GroupAlive(Pid)) Signals.SendToGroup(Pid, Signals.Kill);
        }
        else if (!Exited.IsCompleted)
        {
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        }
        await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _process.Dispose();

    /// <summary>The full path of <paramref name="program"/>: as given when it holds a slash, else found on PATH.</summary>
    public static string ResolveProgram(string program, string workingDirectory)
    {
        if (program.Contains('/')) return Path.GetFullPath(Path.Combine(workingDirectory, program));
        return FindOnPath(program) ?? program;
    }

    /// <summary>The first executable file named <paramref name="name"/> on PATH, or null.</summary>
    public static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(candidate) & UnixFileMode.UserExecute) != 0))
                return candidate;
        }
        return null;
    }
}
