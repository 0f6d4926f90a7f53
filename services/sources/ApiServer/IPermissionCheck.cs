using k8s;
using k8s.Models;
using Platform.ControlPlane.Kinds;

namespace Platform.Sources.ApiServer;

/// <summary>Whether an ApiServerSource's service account may get, list and watch what it names.</summary>
internal interface IPermissionCheck
{
    /// <summary>Knative's message naming what is missing (<c>User system:serviceaccount:ns:sa cannot get, list, watch resource ...</c>), or empty when nothing is.</summary>
    Task<string> MissingAsync(string ns, string serviceAccount, IReadOnlyList<ResourceKind> kinds, IReadOnlyList<string> namespaces, CancellationToken cancellationToken);
}

/// <summary>Locally there is no RBAC: the control-plane API serves whoever holds its credentials.</summary>
internal sealed class NoPermissionCheck : IPermissionCheck
{
    /// <inheritdoc />
    public Task<string> MissingAsync(string ns, string serviceAccount, IReadOnlyList<ResourceKind> kinds, IReadOnlyList<string> namespaces, CancellationToken cancellationToken) =>
        Task.FromResult("");
}

/// <summary>
/// Kubernetes: one SubjectAccessReview per resource, namespace and verb (get, list, watch) for the user
/// <c>system:serviceaccount:{ns}:{serviceAccountName}</c>, as Knative's reconciler runs them; answers are kept for
/// <paramref name="ttl"/> so that the reconcile loop does not ask the API server every pass.
/// </summary>
internal sealed class SubjectAccessReviews(IKubernetes client, TimeProvider time, TimeSpan ttl) : IPermissionCheck
{
    private static readonly string[] Verbs = ["get", "list", "watch"];
    private readonly Dictionary<string, (DateTimeOffset At, string Missing)> _cache = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <inheritdoc />
    public async Task<string> MissingAsync(string ns, string serviceAccount, IReadOnlyList<ResourceKind> kinds, IReadOnlyList<string> namespaces, CancellationToken cancellationToken)
    {
        var user = $"system:serviceaccount:{ns}:{(string.IsNullOrEmpty(serviceAccount) ? "default" : serviceAccount)}";
        var key = $"{user}|{string.Join(',', kinds.Select(k => k.Resource))}|{string.Join(',', namespaces)}";
        lock (_lock)
            if (_cache.TryGetValue(key, out var cached) && time.GetUtcNow() - cached.At < ttl) return cached.Missing;
        List<string> missing = [];
        foreach (var kind in kinds)
            foreach (var watched in namespaces)
            {
                List<string> verbs = [];
                foreach (var verb in Verbs)
                {
                    var review = await client.AuthorizationV1.CreateSubjectAccessReviewAsync(new V1SubjectAccessReview
                    {
                        Spec = new V1SubjectAccessReviewSpec
                        {
                            User = user,
                            ResourceAttributes = new V1ResourceAttributes { NamespaceProperty = watched, Verb = verb, Group = kind.Group, Resource = kind.Plural },
                        },
                    }, cancellationToken: cancellationToken).ConfigureAwait(false);
                    if (review.Status?.Allowed != true) verbs.Add(verb);
                }
                if (verbs.Count > 0) missing.Add($"{string.Join(", ", verbs)} resource \"{kind.Plural}\" in API group \"{kind.Group}\" in Namespace \"{watched}\"");
            }
        var message = missing.Count == 0 ? "" : $"User {user} cannot {string.Join(", ", missing)}";
        lock (_lock) _cache[key] = (time.GetUtcNow(), message);
        return message;
    }
}
