namespace Platform.Cli.Runner.Components;

/// <summary>One entry of a component's <c>spec.metadata</c>.</summary>
/// <param name="Name">The entry's name (<c>redisHost</c>).</param>
/// <param name="Value">Its literal value; null when it comes from a secret.</param>
/// <param name="SecretName">The secret it comes from (<c>secretKeyRef.name</c>), or null.</param>
internal sealed record MetadataEntry(string Name, string? Value, string? SecretName = null);

/// <summary>One Dapr resource document (Component, Resiliency, Subscription or Configuration) that passed validation.</summary>
/// <param name="File">The file as named in messages.</param>
/// <param name="Kind">Dapr kind.</param>
/// <param name="Name"><c>metadata.name</c>.</param>
/// <param name="Type"><c>spec.type</c> of a Component (<c>pubsub.redis</c>), else null.</param>
/// <param name="Metadata"><c>spec.metadata</c> of a Component, else empty.</param>
internal sealed record ComponentDocument(string File, string Kind, string Name, string? Type, IReadOnlyList<MetadataEntry> Metadata)
{
    /// <summary>The literal value of the metadata entry <paramref name="name"/>, or null.</summary>
    public string? Value(string name) => Metadata.FirstOrDefault(m => m.Name == name)?.Value;
}

/// <summary>What a folder of component files holds: its valid documents and every problem found.</summary>
internal sealed record ComponentSet(IReadOnlyList<ComponentDocument> Documents, IReadOnlyList<Problem> Problems);
