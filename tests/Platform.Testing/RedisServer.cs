using System.Diagnostics;
using StackExchange.Redis;
using Xunit;

namespace Platform.Testing;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port with its data in a temporary folder, for tests that need
/// Redis. Shared per test class through <c>IClassFixture&lt;RedisServer&gt;</c>. Where <c>redis-server</c> is not
/// installed the Redis tests are skipped, except in CI (<c>CI=true</c>), where that is an error.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private Process? _process;
    private string? _exe;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "platform-redis-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>The port redis-server listens on.</summary>
    public int Port { get; private set; }

    /// <summary><c>127.0.0.1:{Port}</c>, the form Dapr's <c>redisHost</c> takes.</summary>
    public string HostPort => $"127.0.0.1:{Port}";

    /// <summary>
    /// Persist to an append-only file (<c>appendfsync everysec</c>, as <c>platform up</c> runs Redis) so that
    /// <see cref="KillAndRestartAsync"/> keeps the data; off by default (tests that only need a Redis).
    /// </summary>
    public bool AppendOnly { get; init; }

    /// <summary>Why Redis is unavailable, or null when it runs.</summary>
    public string? Unavailable { get; private set; }

    /// <summary>Skips the calling test when Redis is unavailable outside CI.</summary>
    public void SkipIfUnavailable() => Skip.If(Unavailable is not null, Unavailable);

    /// <summary>A connection to this server.</summary>
    public ConnectionMultiplexer Connect() => ConnectionMultiplexer.Connect($"{HostPort},abortConnect=false");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var exe = FindRedisServer();
        if (exe is null)
        {
            const string message = "redis-server is not installed (apt-get install redis-server)";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException(message + "; in CI no Redis test may be skipped");
            Unavailable = message;
            return;
        }

        Directory.CreateDirectory(_dir);
        _exe = exe;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            Port = FreePort.Next();
            Launch();
            if (await WaitForPingAsync()) return;
            _process!.Kill(true);
        }
        throw new InvalidOperationException("redis-server did not start on a free port after 5 attempts");
    }

    private void Launch()
    {
        var start = new ProcessStartInfo(_exe!)
        {
            ArgumentList = { "--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", _dir, "--save", "", "--protected-mode", "no" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in AppendOnly ? new[] { "--appendonly", "yes", "--appendfsync", "everysec" } : ["--appendonly", "no"])
            start.ArgumentList.Add(arg);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>
    /// kill -9 of redis-server, then a new one on the same port and folder (it replays its append-only file when
    /// <see cref="AppendOnly"/>); returns once it answers PING.
    /// </summary>
    public async Task KillAndRestartAsync()
    {
        _process!.Kill(true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        Launch();
        if (!await WaitForPingAsync()) throw new InvalidOperationException($"redis-server did not come back on {HostPort}");
    }

    private async Task<bool> WaitForPingAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline && _process is { HasExited: false })
        {
            try
            {
                using var conn = await ConnectionMultiplexer.ConnectAsync($"{HostPort},connectTimeout=500");
                await conn.GetDatabase().PingAsync();
                return true;
            }
            catch (Exception e) when (e is RedisConnectionException or RedisServerException)
            {
                // RedisServerException: "LOADING" while a restarted server replays its append-only file.
                await Task.Delay(50);
            }
        }
        return false;
    }

    private static string? FindRedisServer()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/bin").Append("/usr/local/bin"))
        {
            var candidate = Path.Combine(dir, "redis-server");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        try { _process?.Kill(true); } catch (InvalidOperationException) { }
        _process?.Dispose();
        try { Directory.Delete(_dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }
}
