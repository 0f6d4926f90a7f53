using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.ControlPlane.Store;
using Platform.Serving.Contracts.Revisions;

namespace Platform.Workloads.Kubernetes;

/// <summary>
/// A revision's <see cref="WorkloadStatus"/> from what Kubernetes reports, pure: the Deployment's
/// <c>spec.replicas</c> (desired), <c>status.replicas</c> (actual) and <c>status.readyReplicas</c> (ready); the ready
/// addresses of the revision Service's EndpointSlices (what the activator forwards to, one per pod, as Knative's
/// activator balances over pod addresses); and a failure from the Deployment's conditions (<c>Progressing=False</c>
/// with <c>ProgressDeadlineExceeded</c>, <c>ReplicaFailure=True</c>) or from the backend itself (no KEDA, RBAC).
/// </summary>
internal static class DeploymentStatusReader
{
    /// <summary>The status of <paramref name="revision"/>.</summary>
    /// <param name="revision">The revision.</param>
    /// <param name="deployment">Its Deployment as stored, or null when there is none (yet).</param>
    /// <param name="slices">The EndpointSlices of its Service.</param>
    /// <param name="servicePort">Port of the revision's Service, for the fallback endpoint.</param>
    /// <param name="backendFailure">A failure the backend met writing the objects, or null.</param>
    /// <param name="version">The status version.</param>
    public static WorkloadStatus Read(RevisionKey revision, JsonObject? deployment, IEnumerable<JsonObject> slices, int servicePort,
        WorkloadFailure? backendFailure, long version)
    {
        var desired = Int(deployment?["spec"]?["replicas"]) ?? (deployment is null ? 0 : 1);
        var actual = Int(deployment?["status"]?["replicas"]) ?? 0;
        var ready = Int(deployment?["status"]?["readyReplicas"]) ?? 0;
        var endpoints = ReadyEndpoints(slices).ToList();
        if (endpoints.Count == 0 && ready > 0)
        {
            // No EndpointSlice seen (yet, or not readable): the Service's own address balances over the ready pods.
            endpoints.Add(new ReplicaEndpoint(revision.Name, $"{revision.Name}.{revision.Namespace}.svc.cluster.local", servicePort));
        }

        return new WorkloadStatus
        {
            Revision = revision,
            Version = version,
            Desired = desired,
            Actual = actual,
            Ready = ready,
            Endpoints = endpoints,
            Replicas = [.. endpoints.Select(e => new ReplicaStatus(e.Replica, ReplicaPhase.Ready, null, e.Port, 0, null))],
            Failure = backendFailure ?? DeploymentFailure(deployment),
        };
    }

    /// <summary>The failure the Deployment's conditions report, or null.</summary>
    public static WorkloadFailure? DeploymentFailure(JsonObject? deployment)
    {
        foreach (var condition in (deployment?["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var type = condition.Str("type");
            var status = condition.Str("status");
            var reason = condition.Str("reason") ?? "";
            var message = condition.Str("message") ?? "";
            if (type == "Progressing" && status == "False" && reason == WorkloadFailureReasons.ProgressDeadlineExceeded)
                return new WorkloadFailure(WorkloadFailureReasons.ProgressDeadlineExceeded, message.Length > 0 ? message : "the Deployment made no progress within its deadline", []);
            if (type == "ReplicaFailure" && status == "True")
                return new WorkloadFailure(WorkloadFailureReasons.ReplicaFailure, $"{reason}: {message}".Trim(' ', ':'), []);
        }

        return null;
    }

    // discovery.k8s.io/v1: endpoints[].addresses, conditions.ready (absent = ready), targetRef.name; ports[].port.
    private static IEnumerable<ReplicaEndpoint> ReadyEndpoints(IEnumerable<JsonObject> slices)
    {
        foreach (var slice in slices.OrderBy(s => s.Name(), StringComparer.Ordinal))
        {
            var port = (slice["ports"] as JsonArray)?.OfType<JsonObject>().Select(p => Int(p["port"])).FirstOrDefault(p => p is not null);
            if (port is null) continue;
            foreach (var endpoint in (slice["endpoints"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (endpoint["conditions"]?["ready"] is JsonValue r && r.GetValueKind() == JsonValueKind.False) continue;
                var address = (endpoint["addresses"] as JsonArray)?.OfType<JsonValue>().Select(a => a.GetValue<string>()).FirstOrDefault();
                if (string.IsNullOrEmpty(address)) continue;
                var name = (endpoint["targetRef"] as JsonObject).Str("name") ?? address;
                yield return new ReplicaEndpoint(name, address.Contains(':', StringComparison.Ordinal) ? $"[{address}]" : address, port.Value);
            }
        }
    }

    private static int? Int(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && int.TryParse(v.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;
}
