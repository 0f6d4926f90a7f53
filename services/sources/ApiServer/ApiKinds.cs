using Platform.ControlPlane.Kinds;

namespace Platform.Sources.ApiServer;

/// <summary>
/// Which kinds an ApiServerSource can watch. Locally: the kinds the control plane serves (a kind it does not serve
/// does not exist). In Kubernetes: those, or any other group's kind with its resource guessed from the kind as
/// Knative's subjects do; the core group (<c>apiVersion: v1</c>) is not watched there, since the store's
/// custom-objects API needs a group. Pure.
/// </summary>
internal sealed class ApiKinds(ResourceKinds table, bool kubernetes)
{
    /// <summary>The kind to watch, or why there is none.</summary>
    public (ResourceKind? Kind, string? Error) Resolve(string? apiVersion, string? kind)
    {
        if (string.IsNullOrEmpty(apiVersion) || string.IsNullOrEmpty(kind)) return (null, "apiVersion and kind are required");
        if (table.FindByKind(apiVersion, kind) is { } known) return (known, null);
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var (group, version) = slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
        if (!kubernetes)
        {
            var others = table.WithKind(kind).Select(k => k.ApiVersion).ToList();
            return (null, $"kind {kind} of {apiVersion} is not served by the control plane" +
                (others.Count > 0 ? $" (it serves {kind} as {string.Join(", ", others)})" : " (see `platform get --help` for the kinds it serves)"));
        }
        if (group.Length == 0) return (null, $"kind {kind} of the core group ({apiVersion}) is not watched in Kubernetes mode yet; watch a kind of a named group");
        return (new ResourceKind(group, version, kind, ApiServerEvents.GuessResource(kind)), null);
    }
}
