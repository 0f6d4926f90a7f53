using System.Globalization;
using System.Text.Json.Nodes;
using Platform.Cli.Client;
using Platform.Cli.Output;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;

namespace Platform.Cli.Commands.Resources;

/// <summary>How a wait for Ready ended.</summary>
/// <param name="State">Ready, Failed, or Pending when the time ran out.</param>
/// <param name="Object">The object as last seen.</param>
/// <param name="Readiness">Its conditions as last seen.</param>
internal sealed record WaitOutcome(ReadyState State, JsonObject Object, Readiness Readiness);

/// <summary>
/// <c>--wait</c>: follows one object through a watch until its Ready condition is True (for the current
/// generation) or False, or the timeout passes; shows the current reason as a status line on stderr.
/// </summary>
internal static class ReadyWaiter
{
    /// <summary>Waits for <paramref name="name"/> to settle, at most <paramref name="timeout"/>.</summary>
    public static async Task<WaitOutcome> WaitAsync(Terminal terminal, IResourceStore client, ResourceKind kind, string ns, string name, TimeSpan timeout, CancellationToken cancel)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        var progress = new Progress(terminal, name);
        var current = await client.GetRequiredAsync(kind, ns, name, cancel).ConfigureAwait(false);
        try
        {
            while (true)
            {
                var readiness = Readiness.Of(current);
                progress.Show(readiness);
                if (readiness.State != ReadyState.Pending) return progress.Done(new WaitOutcome(readiness.State, current, readiness));

                var version = current.StringAt("metadata.resourceVersion");
                await foreach (var e in client.WatchAsync(kind, ns, version, deadline.Token).ConfigureAwait(false))
                {
                    if (e.Object.StringAt("metadata.name") != name) continue;
                    if (e.Type == WatchEventType.Deleted) throw new ResourceException(new ResourceError(StatusReason.NotFound, $"{kind.Kind} \"{name}\" was deleted while waiting for it", name));
                    current = e.Object;
                    readiness = Readiness.Of(current);
                    progress.Show(readiness);
                    if (readiness.State != ReadyState.Pending) return progress.Done(new WaitOutcome(readiness.State, current, readiness));
                }

                // The server ended the stream (its timeout): read again and resume, never in a tight loop.
                await Task.Delay(TimeSpan.FromMilliseconds(250), deadline.Token).ConfigureAwait(false);
                current = await client.GetRequiredAsync(kind, ns, name, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancel.IsCancellationRequested)
        {
            return progress.Done(new WaitOutcome(ReadyState.Pending, current, Readiness.Of(current)));
        }
        catch (ResourceException e) when (e.Reason == StatusReason.Gone)
        {
            // History too old to resume: poll from now on is simpler than re-listing for one object.
            return await WaitAsync(terminal, client, kind, ns, name, timeout, cancel).ConfigureAwait(false);
        }
    }

    // A status line: rewritten in place on a terminal; otherwise one line per state not shown before (a controller
    // that alternates between two messages must not flood a log).
    private sealed class Progress(Terminal terminal, string name)
    {
        private static readonly string[] Frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
        private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
        private readonly HashSet<string> _shown = new(StringComparer.Ordinal);
        private int _frame;

        public void Show(Readiness readiness)
        {
            var what = readiness.Reason.Length > 0 ? readiness.Reason + (readiness.Message.Length > 0 ? $": {readiness.Message}" : "")
                : readiness.State == ReadyState.Ready ? "Ready" : "waiting for the controller";
            var seconds = (DateTimeOffset.UtcNow - _started).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
            if (terminal.ErrorColour)
            {
                lock (terminal.Error) terminal.Error.Write($"\r\u001b[2K{Frames[_frame++ % Frames.Length]} {seconds}s {name}: {what}");
            }
            else if (_shown.Add(what))
            {
                terminal.Progress($"  {seconds}s {name}: {what}");
            }
        }

        public WaitOutcome Done(WaitOutcome outcome)
        {
            if (terminal.ErrorColour) lock (terminal.Error) terminal.Error.Write("\r\u001b[2K");
            return outcome;
        }
    }
}
