using System.Diagnostics;
using System.Net;

namespace Platform.Faults.Tests;

/// <summary>
/// Steady load on one service through the activator: <c>workers</c> loops of GET, each counted as answered 2xx or an
/// error (any other status or a failed connection), with the time of the last error and of each success.
/// </summary>
internal sealed class LoadLoop : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _workers;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _sent;
    private long _ok;
    private long _errors;
    private long _lastErrorTicks = -1;
    private long _lastOkTicks = -1;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _errorSamples = new();

    public LoadLoop(int activatorPort, string host, int workers = 8)
    {
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(5) }) { Timeout = TimeSpan.FromSeconds(10) };
        _workers = Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                Interlocked.Increment(ref _sent);
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{activatorPort}/");
                    request.Headers.Host = host;
                    using var response = await http.SendAsync(request, _stop.Token);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref _ok);
                        Interlocked.Exchange(ref _lastOkTicks, _clock.Elapsed.Ticks);
                        continue;
                    }
                    Failed($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(CancellationToken.None)}");
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    Interlocked.Decrement(ref _sent); // cut off by the end of the run, not by a fault
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Failed(e.GetType().Name + ": " + e.Message);
                    await Task.Delay(20, CancellationToken.None); // a refused port answers at once: do not spin
                }
            }
        })).ToArray();
    }

    private void Failed(string what)
    {
        Interlocked.Increment(ref _errors);
        Interlocked.Exchange(ref _lastErrorTicks, _clock.Elapsed.Ticks);
        if (_errorSamples.Count < 5) _errorSamples.Enqueue(what);
    }

    /// <summary>Time since the loop started.</summary>
    public TimeSpan Now => _clock.Elapsed;

    public long Sent => Interlocked.Read(ref _sent);

    public long Ok => Interlocked.Read(ref _ok);

    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>A few of the errors, for the failure message.</summary>
    public string ErrorSamples => string.Join(" | ", _errorSamples);

    /// <summary>When the last error happened (since start), or null.</summary>
    public TimeSpan? LastError => Interlocked.Read(ref _lastErrorTicks) is var t and >= 0 ? TimeSpan.FromTicks(t) : null;

    /// <summary>Waits until <paramref name="count"/> more requests were answered 2xx with no error in between.</summary>
    public async Task HealthyStretchAsync(int count, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        var (okAt, errorsAt) = (Ok, Errors);
        while (Ok - okAt < count)
        {
            if (Errors != errorsAt) (okAt, errorsAt) = (Ok, Errors);
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"not within {timeout.TotalSeconds:0} s: {what} ({Ok} ok, {Errors} errors: {ErrorSamples})");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        _stop.Dispose();
    }
}
