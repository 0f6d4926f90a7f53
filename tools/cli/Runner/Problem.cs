namespace Platform.Cli.Runner;

/// <summary>One thing wrong with a file: the file, the field path inside it and why.</summary>
/// <param name="File">The file as the user names it (<c>dapr.yaml</c>, <c>components/local/pubsub.yaml</c>).</param>
/// <param name="Path">Field path (<c>apps[2].appPort</c>); empty when the problem is the whole file.</param>
/// <param name="Reason">What is wrong and, where it helps, what is expected.</param>
internal sealed record Problem(string File, string Path, string Reason)
{
    /// <summary><c>file: path: reason</c>, the form every error message takes.</summary>
    public override string ToString() => Path.Length == 0 ? $"{File}: {Reason}" : $"{File}: {Path}: {Reason}";
}
