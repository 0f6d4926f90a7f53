using System.Text.Json.Nodes;
using System.Threading.Channels;
using Dapr.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.ServingController.Api;
using Platform.ServingController.Store;

namespace Platform.ServingController.Watch;

/// <summary>
/// Publishes every committed change on Dapr pub/sub (<see cref="ControlPlaneOptions.PubSub"/> /
/// <see cref="ControlPlaneOptions.Topic"/>) as <c>{"type":"ADDED|MODIFIED|DELETED","object":{...}}</c>, which the
/// sidecar wraps in a CloudEvent. Best-effort and off the write path: a queue drained in the background, failures
/// logged with the resource's name; the queue drops (and logs) when the sidecar falls 10,000 events behind.
/// </summary>
public sealed partial class DaprChangePublisher(DaprClient dapr, IOptions<ControlPlaneOptions> options, ILogger<DaprChangePublisher> log)
    : BackgroundService, IResourceChangePublisher
{
    private readonly Channel<StoredEvent> _queue = Channel.CreateBounded<StoredEvent>(new BoundedChannelOptions(10_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    /// <inheritdoc />
    public void Publish(IReadOnlyList<StoredEvent> events)
    {
        foreach (var e in events)
            if (!_queue.Writer.TryWrite(e))
                LogDropped(e.Object.Kind.Kind, e.Object.Namespace, e.Object.Name);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        await foreach (var e in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            var payload = new JsonObject { ["type"] = ResourceEvent.Wire(e.Type), ["object"] = e.Object.Clone() };
            try
            {
                await dapr.PublishEventAsync(o.PubSub, o.Topic, payload, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPublishFailed(ex, ResourceEvent.Wire(e.Type), e.Object.Kind.Kind, e.Object.Namespace, e.Object.Name);
            }
        }
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Publishing {Type} {Kind} {Namespace}/{Name} on pub/sub failed")]
    private partial void LogPublishFailed(Exception ex, string type, string kind, string @namespace, string name);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Change queue full: {Kind} {Namespace}/{Name} not published")]
    private partial void LogDropped(string kind, string @namespace, string name);
}
