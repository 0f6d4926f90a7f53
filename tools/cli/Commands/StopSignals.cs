using System.Runtime.InteropServices;

namespace Platform.Cli.Commands;

/// <summary>
/// Turns the first SIGINT / SIGTERM / SIGHUP into a cancellation so a command can stop its processes cleanly; a
/// second signal gets the default behaviour (the process ends at once).
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _count;

    /// <summary>Listens for the stop signals.</summary>
    public StopSignals(Action<PosixSignal>? onSignal = null)
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP })
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                if (Interlocked.Increment(ref _count) > 1) return;
                context.Cancel = true;
                onSignal?.Invoke(context.Signal);
                _cts.Cancel();
            }));
    }

    /// <summary>Cancelled by the first stop signal.</summary>
    public CancellationToken Token => _cts.Token;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _cts.Dispose();
    }
}
