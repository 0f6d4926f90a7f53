namespace Platform.Workloads;

/// <summary>Names a revision's workload: <c>namespace/name</c>.</summary>
/// <param name="Namespace">The revision's namespace (<c>default</c> when the revision gives none).</param>
/// <param name="Name">The revision's name, e.g. <c>hello-00001</c>.</param>
public readonly record struct RevisionKey(string Namespace, string Name)
{
    /// <summary><c>namespace/name</c>, the way log lines name resources.</summary>
    public override string ToString() => $"{Namespace}/{Name}";
}
