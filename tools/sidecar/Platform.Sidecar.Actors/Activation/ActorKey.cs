namespace Platform.Sidecar.Actors.Activation;

/// <summary>One actor: its type and id.</summary>
/// <param name="Type">The actor type, e.g. <c>RevisionScaler</c>.</param>
/// <param name="Id">The actor id.</param>
public readonly record struct ActorKey(string Type, string Id)
{
    /// <inheritdoc />
    public override string ToString() => $"{Type}/{Id}";
}
