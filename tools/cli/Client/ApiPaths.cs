using Platform.Resources.Serialization;

namespace Platform.Cli.Client;

/// <summary>Kubernetes-shaped paths of the control-plane API (the same on the local API and a cluster).</summary>
public static class ApiPaths
{
    /// <summary>The multi-document apply endpoint of the local API.</summary>
    public const string Apply = "/apis/platform.dev/v1/apply";

    /// <summary><c>/apis/{group}/{version}/namespaces/{ns}/{plural}</c>, or <c>/apis/{group}/{version}/{plural}</c> when <paramref name="ns"/> is null.</summary>
    public static string Collection(KindInfo kind, string? ns) => ns is null
        ? $"/apis/{kind.Group}/{kind.Version}/{kind.Plural}"
        : $"/apis/{kind.Group}/{kind.Version}/namespaces/{Uri.EscapeDataString(ns)}/{kind.Plural}";

    /// <summary><c>.../{plural}/{name}</c>.</summary>
    public static string Object(KindInfo kind, string ns, string name) => $"{Collection(kind, ns)}/{Uri.EscapeDataString(name)}";
}
