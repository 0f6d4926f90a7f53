using CloudNative.CloudEvents;

namespace Platform.Sources.Sdk;

/// <summary>
/// A custom source's way out: adds the <c>K_CE_OVERRIDES</c> extensions to each event and sends it to <c>K_SINK</c>
/// with retries — the C# counterpart of the client Knative's <c>adapter</c> package hands a Go source. Counts what
/// it sent for <c>/healthz</c>.
/// </summary>
public sealed class EventSourceClient(SourceEnvironment environment, CloudEventSender sender)
{
    private long _delivered;
    private long _failed;

    /// <summary>The environment it sends with.</summary>
    public SourceEnvironment Environment { get; } = environment;

    /// <summary>Events the sink took.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Events that could not be delivered after every retry.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>The last failed delivery, or null.</summary>
    public SendResult? LastFailure { get; private set; }

    /// <summary>Applies the overrides and sends; the result says whether the sink took it.</summary>
    public async Task<SendResult> SendAsync(CloudEvent cloudEvent, CancellationToken cancellationToken = default)
    {
        Environment.Overrides.ApplyTo(cloudEvent);
        var result = await sender.SendAsync(Environment.Sink, cloudEvent, cancellationToken).ConfigureAwait(false);
        if (result.Delivered)
        {
            Interlocked.Increment(ref _delivered);
        }
        else
        {
            Interlocked.Increment(ref _failed);
            LastFailure = result;
        }
        return result;
    }
}
