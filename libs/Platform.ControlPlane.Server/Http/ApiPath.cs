namespace Platform.ControlPlane.Server.Http;

/// <summary>The shapes of path the API serves under <c>/apis</c>.</summary>
public enum RouteShape
{
    /// <summary>Anything else: 404.</summary>
    Unknown,
    /// <summary><c>/apis</c>: the group list.</summary>
    Groups,
    /// <summary><c>/apis/{group}/{version}</c>: the resource list of a group version.</summary>
    GroupVersion,
    /// <summary><c>/apis/platform.dev/v1/apply</c>: multi-document apply (ours, not Kubernetes').</summary>
    Apply,
    /// <summary><c>/apis/{group}/{version}/{plural}</c>: every namespace.</summary>
    AllNamespaces,
    /// <summary><c>/apis/{group}/{version}/namespaces/{ns}/{plural}</c>.</summary>
    Collection,
    /// <summary><c>.../{plural}/{name}</c>.</summary>
    Object,
    /// <summary><c>.../{plural}/{name}/status</c>.</summary>
    Status,
}

/// <summary>A parsed API path.</summary>
/// <param name="Shape">Which kind of path.</param>
/// <param name="Group">API group.</param>
/// <param name="Version">API version.</param>
/// <param name="Namespace">Namespace, when the path has one.</param>
/// <param name="Plural">Resource plural.</param>
/// <param name="Name">Object name, when the path has one.</param>
internal sealed record ApiPath(RouteShape Shape, string Group = "", string Version = "", string? Namespace = null, string Plural = "", string? Name = null)
{
    /// <summary>Group of our own endpoints (apply).</summary>
    public const string PlatformGroup = "platform.dev";

    /// <summary>Parses the part of the path after <c>/apis</c> (pure; never throws).</summary>
    public static ApiPath Parse(string? rest)
    {
        var s = (rest ?? "").Trim('/').Split('/', StringSplitOptions.None);
        if (s.Length == 1 && s[0].Length == 0) return new(RouteShape.Groups);
        if (s.Any(p => p.Length == 0)) return new(RouteShape.Unknown);
        return s switch
        {
            [var g, var v] => new(RouteShape.GroupVersion, g, v),
            [PlatformGroup, "v1", "apply"] => new(RouteShape.Apply, PlatformGroup, "v1"),
            [var g, var v, var plural] => new(RouteShape.AllNamespaces, g, v, null, plural),
            [var g, var v, "namespaces", var ns, var plural] => new(RouteShape.Collection, g, v, ns, plural),
            [var g, var v, "namespaces", var ns, var plural, var name] => new(RouteShape.Object, g, v, ns, plural, name),
            [var g, var v, "namespaces", var ns, var plural, var name, "status"] => new(RouteShape.Status, g, v, ns, plural, name),
            _ => new(RouteShape.Unknown),
        };
    }
}
