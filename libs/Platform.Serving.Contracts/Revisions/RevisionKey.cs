using System.Text.Json.Serialization;

namespace Platform.Serving.Contracts.Revisions;

/// <summary>Names one revision: <c>{namespace}/{name}</c>, e.g. <c>default/hello-00001</c>.</summary>
/// <param name="Namespace">The revision's namespace (a DNS label).</param>
/// <param name="Name">The revision's name, e.g. <c>hello-00001</c>.</param>
public readonly record struct RevisionKey(string Namespace, string Name)
{
    /// <summary>The Dapr actor id of the revision's autoscaler actor: <c>{namespace}:{name}</c> (a slash would split the actor URL).</summary>
    [JsonIgnore]
    public string ActorId => $"{Namespace}:{Name}";

    /// <summary>Parses an actor id made by <see cref="ActorId"/>.</summary>
    public static RevisionKey FromActorId(string actorId)
    {
        var colon = actorId.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == actorId.Length - 1)
            throw new FormatException($"actor id '{actorId}' is not '{{namespace}}:{{revision}}'");
        return new RevisionKey(actorId[..colon], actorId[(colon + 1)..]);
    }

    /// <summary>Why <paramref name="ns"/>/<paramref name="name"/> cannot name a revision, or null when they can.</summary>
    public static string? Validate(string? ns, string? name)
    {
        if (!IsDnsName(ns, 63)) return $"namespace '{ns}': must be a DNS label (lower-case letters, digits, '-', at most 63)";
        if (!IsDnsName(name, 253)) return $"revision '{name}': must be a DNS name (lower-case letters, digits, '-', '.')";
        return null;
    }

    private static bool IsDnsName(string? value, int max)
    {
        if (string.IsNullOrEmpty(value) || value.Length > max) return false;
        if (!char.IsAsciiLetterOrDigit(value[0]) || !char.IsAsciiLetterOrDigit(value[^1])) return false;
        foreach (var c in value)
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-' || (c == '.' && max > 63))) return false;
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Namespace}/{Name}";
}
