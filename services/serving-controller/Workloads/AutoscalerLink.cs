using Platform.Serving.Contracts.Revisions;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Workloads;

namespace Platform.ServingController.Workloads;

/// <summary>
/// The controller's side of the autoscaler's intake: registers revisions (<c>PUT /revisions/{ns}/{name}</c>, only
/// when the body changed since the last success, and again after <see cref="Forget"/>), reports ready replicas and
/// removes deleted revisions.
/// </summary>
public sealed partial class AutoscalerLink(PeerClients peers, IOptions<ServingWiringOptions> options, ILogger<AutoscalerLink> log)
{
    private readonly ConcurrentDictionary<RevisionKey, string> _registered = new();

    /// <summary>Whether autoscaling is wired at all.</summary>
    public bool Enabled => options.Value.Autoscaling;

    /// <summary>Registers (or re-registers) a revision; a no-op when the same body was accepted before.</summary>
    public async Task RegisterAsync(RevisionKey revision, JsonObject spec, CancellationToken cancellationToken)
    {
        if (!Enabled) return;
        var json = spec.ToJsonString();
        if (_registered.TryGetValue(revision, out var previous) && previous == json) return;
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await peers.Autoscaler.PutAsync(Path(revision), content, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"autoscaler refused {revision}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        _registered[revision] = json;
        LogRegistered(revision.ToString());
    }

    /// <summary>Reports ready replicas; false when the autoscaler does not know the revision (register it again).</summary>
    public async Task<bool> ReportReadyAsync(RevisionKey revision, int ready, CancellationToken cancellationToken)
    {
        if (!Enabled) return true;
        using var response = await peers.Autoscaler.PutAsJsonAsync(Path(revision) + "/ready", new { readyPods = ready }, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            Forget(revision);
            return false;
        }
        response.EnsureSuccessStatusCode();
        return true;
    }

    /// <summary>Removes a revision from the autoscaler (it is gone).</summary>
    public async Task RemoveAsync(RevisionKey revision, CancellationToken cancellationToken)
    {
        Forget(revision);
        if (!Enabled) return;
        using var response = await peers.Autoscaler.DeleteAsync(Path(revision), cancellationToken);
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
            throw new HttpRequestException($"autoscaler refused to remove {revision}: {(int)response.StatusCode}");
    }

    /// <summary>Forgets that a revision was registered, so the next reconcile registers it again.</summary>
    public void Forget(RevisionKey revision) => _registered.TryRemove(revision, out _);

    /// <summary>Forgets every registration (periodic resync: an autoscaler restarted without state learns them again).</summary>
    public void ForgetAll() => _registered.Clear();

    private static string Path(RevisionKey revision) => $"/revisions/{Uri.EscapeDataString(revision.Namespace)}/{Uri.EscapeDataString(revision.Name)}";

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Revision {Revision} registered with the autoscaler")]
    private partial void LogRegistered(string revision);
}
