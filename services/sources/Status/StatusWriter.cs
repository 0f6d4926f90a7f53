using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.Resources.Caching;
using Platform.Resources.Meta;
using Platform.Resources.Serialization;
using Platform.Sources.Resources;

namespace Platform.Sources.Status;

/// <summary>
/// Writes a source's status when it changed (ignoring transition times), keeping the transition time of conditions
/// whose status did not flip, so that every replica computing the same status writes nothing.
/// </summary>
internal sealed partial class StatusWriter(IResourceStore store, SourceCache cache, ILogger<StatusWriter> logger)
{
    /// <summary>Writes <paramref name="status"/> for <paramref name="o"/> unless it is what is stored; false when nothing was written.</summary>
    public async Task<bool> WriteAsync(ResourceKind kind, CachedObject o, KnativeStatus status, CancellationToken cancellationToken)
    {
        var node = JsonSerializer.SerializeToNode(status, status.GetType(), ResourceSerializer.Default.JsonOptions)!;
        var old = o.Json["status"];
        if (StatusComparison.SameApartFromTimes(old, node)) return false;
        StatusComparison.KeepTransitionTimes(old, node);
        var obj = (JsonObject)o.Json.DeepClone();
        obj["status"] = node;
        try
        {
            var written = await store.UpdateStatusAsync(kind, obj, cancellationToken).ConfigureAwait(false);
            cache.Apply(kind, WatchEventType.Modified, written);
            var ready = status.GetCondition(ConditionTypes.Ready);
            LogStatus(kind.Kind, o.Namespace, o.Name, ready?.Status ?? "", ready?.Reason ?? "", ready?.Message ?? "");
            return true;
        }
        catch (ResourceException e) when (e.Reason is StatusReason.Conflict or StatusReason.NotFound)
        {
            cache.Signal(); // another writer or a delete: the watch brings the current object, try again
            return false;
        }
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "{Kind} {Namespace}/{Name}: Ready={Ready} {Reason} {Message}")]
    private partial void LogStatus(string kind, string @namespace, string name, string ready, string reason, string message);
}
