using k8s;
using Platform.Resources.Core;
using Platform.Sources.Resources;

namespace Platform.Sources.ApiServer;

/// <summary>The namespaces an ApiServerSource's namespace selector picks, and their labels.</summary>
internal interface INamespaceDirectory
{
    /// <summary>The labels of namespace <paramref name="ns"/>, or null when namespaces carry none (locally).</summary>
    IReadOnlyDictionary<string, string>? LabelsOf(string ns);

    /// <summary>The namespaces <paramref name="selector"/> picks, or null when they cannot be listed (locally).</summary>
    Task<IReadOnlyList<string>?> SelectAsync(LabelSelector selector, CancellationToken cancellationToken);
}

/// <summary>
/// Locally namespaces are not objects: a namespace exists when something is in it, and its only label is
/// <c>kubernetes.io/metadata.name</c> (its name), as Kubernetes sets on every namespace.
/// </summary>
internal sealed class LocalNamespaces : INamespaceDirectory
{
    /// <inheritdoc />
    public IReadOnlyDictionary<string, string>? LabelsOf(string ns) => null;

    /// <inheritdoc />
    public Task<IReadOnlyList<string>?> SelectAsync(LabelSelector selector, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>?>(null);
}

/// <summary>Namespaces of a Kubernetes cluster (listed through KubernetesClient, labels kept from the last list).</summary>
internal sealed class KubernetesNamespaces(IKubernetes client) : INamespaceDirectory
{
    private volatile Dictionary<string, IReadOnlyDictionary<string, string>> _labels = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string>? LabelsOf(string ns) =>
        _labels.TryGetValue(ns, out var labels) ? labels : new Dictionary<string, string> { [ApiServerFilter.NamespaceNameLabel] = ns };

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>?> SelectAsync(LabelSelector selector, CancellationToken cancellationToken)
    {
        var list = await client.CoreV1.ListNamespaceAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var labels = list.Items.ToDictionary(n => n.Metadata.Name, n => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(n.Metadata.Labels ?? new Dictionary<string, string>())
        {
            [ApiServerFilter.NamespaceNameLabel] = n.Metadata.Name,
        }, StringComparer.Ordinal);
        _labels = labels;
        return [.. labels.Where(l => LabelSelectors.Matches(selector, l.Value)).Select(l => l.Key).Order(StringComparer.Ordinal)];
    }
}
