using System.Collections.Concurrent;
using System.Net;
using k8s;
using k8s.Autorest;

namespace Platform.ControlPlane.Kubernetes;

/// <summary>What a cluster says about one CustomResourceDefinition.</summary>
public enum CrdPresence
{
    /// <summary>Installed (and, for our kinds, labelled as Platform's).</summary>
    Installed,

    /// <summary>No CRD of that name: the software that brings it (Platform's chart, KEDA, Dapr) is not installed.</summary>
    Missing,

    /// <summary>Installed, but by another owner (a Knative installation owns <c>services.serving.knative.dev</c>).</summary>
    Foreign,

    /// <summary>This process may not read CRDs: its role lacks <c>get customresourcedefinitions</c>.</summary>
    Forbidden,

    /// <summary>The API server did not answer.</summary>
    Unknown,
}

/// <summary>
/// Which CustomResourceDefinitions a cluster has: ours, KEDA's (<see cref="KedaScaledObjects"/>), Dapr's
/// (<see cref="DaprComponents"/>). A found CRD is remembered; a missing one is asked again after
/// <paramref name="recheck"/> (someone may install it meanwhile).
/// </summary>
/// <param name="client">The cluster's client.</param>
/// <param name="time">Clock of the re-check.</param>
/// <param name="recheck">How long an answer other than Installed is kept (default 30 s).</param>
public sealed class ClusterCrds(IKubernetes client, TimeProvider? time = null, TimeSpan? recheck = null)
{
    /// <summary>KEDA's ScaledObject CRD: KEDA is installed.</summary>
    public const string KedaScaledObjects = "scaledobjects.keda.sh";

    /// <summary>Dapr's Component CRD: Dapr is installed.</summary>
    public const string DaprComponents = "components.dapr.io";

    /// <summary>The label our CRDs carry (<c>app.kubernetes.io/part-of: platform</c>).</summary>
    public const string OwnerLabel = "app.kubernetes.io/part-of";

    /// <summary>Its value on our CRDs.</summary>
    public const string PlatformOwner = "platform";

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly TimeSpan _recheck = recheck ?? TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (CrdPresence Presence, string Detail, DateTimeOffset At)> _known = new();

    /// <summary>
    /// Whether the CRD <paramref name="name"/> is installed; with <paramref name="owner"/>, whether it carries
    /// <see cref="OwnerLabel"/>=<paramref name="owner"/> (else <see cref="CrdPresence.Foreign"/>). The detail says why.
    /// </summary>
    public async Task<(CrdPresence Presence, string Detail)> CheckAsync(string name, string? owner = null, CancellationToken cancellationToken = default)
    {
        if (_known.TryGetValue(name, out var known) && (known.Presence == CrdPresence.Installed || _time.GetUtcNow() - known.At < _recheck))
            return (known.Presence, known.Detail);
        var answer = await AskAsync(name, owner, cancellationToken).ConfigureAwait(false);
        _known[name] = (answer.Presence, answer.Detail, _time.GetUtcNow());
        return answer;
    }

    private async Task<(CrdPresence Presence, string Detail)> AskAsync(string name, string? owner, CancellationToken cancellationToken)
    {
        try
        {
            var crd = await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (owner is null) return (CrdPresence.Installed, $"CRD {name} is installed");
            var labels = crd.Metadata?.Labels ?? new Dictionary<string, string>();
            return labels.TryGetValue(OwnerLabel, out var value) && value == owner
                ? (CrdPresence.Installed, $"CRD {name} is installed")
                : (CrdPresence.Foreign, $"CRD {name} belongs to another installation ({Describe(labels)}), not to {owner}");
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return (CrdPresence.Missing, $"CRD {name} is not installed");
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Forbidden)
        {
            return (CrdPresence.Forbidden, $"may not read CRD {name} (RBAC: get customresourcedefinitions.apiextensions.k8s.io)");
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException)
        {
            return (CrdPresence.Unknown, $"could not read CRD {name}: {e.Message}");
        }
    }

    private static string Describe(IDictionary<string, string> labels) =>
        labels.Count == 0 ? "no labels" : string.Join(", ", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
}
