using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.Resources.Meta;

namespace Platform.ServingController.Reconcilers;

/// <summary>
/// Writes a status through the status subresource only when it changed, guarded by the object's resourceVersion
/// (a Conflict fails the reconcile, which the queue retries on fresh data). Unchanged status = no write, so
/// reconcilers triggered by their own writes settle.
/// </summary>
internal static class StatusWriter
{
    /// <summary>Writes <paramref name="status"/> on <paramref name="current"/>; returns the stored object.</summary>
    public static async Task<JsonObject> WriteAsync(IResourceStore store, ResourceKind kind, JsonObject current, KnativeStatus status, CancellationToken cancellationToken)
    {
        var desired = JsonSerializer.SerializeToNode(status, status.GetType(), ServingObjects.Json);
        if (JsonNode.DeepEquals(current["status"], desired)) return current;
        var next = (JsonObject)current.DeepClone();
        next["status"] = desired;
        return await store.UpdateStatusAsync(kind, next, cancellationToken);
    }
}
