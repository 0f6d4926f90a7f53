namespace Platform.Workloads;

/// <summary>The digest one container's image resolved to (Knative's <c>status.containerStatuses[]</c>).</summary>
/// <param name="Container">The container's name.</param>
/// <param name="ImageDigest">
/// <c>repository@sha256:…</c> (the image's first repo digest, or the image itself when already given by digest), or
/// the local image ID <c>sha256:…</c> when the image has no repo digest (built locally, never pushed); null when not
/// resolved.
/// </param>
public sealed record ContainerImageDigest(string Container, string? ImageDigest);

/// <summary>
/// The outcome of resolving a revision's image digests, once per revision: the digests, and when one could not be
/// resolved, why (<see cref="ImageDigestReasons"/>) — a note on the revision, never a failure of it.
/// </summary>
/// <param name="Containers">Every container with an image, in spec order.</param>
/// <param name="Reason">Null when every digest was resolved; otherwise the first container's reason.</param>
/// <param name="Message">What happened, naming the container and the image; null when resolved.</param>
public sealed record ImageDigestResolution(IReadOnlyList<ContainerImageDigest> Containers, string? Reason, string? Message)
{
    /// <summary>True when every container's digest is known.</summary>
    public bool Resolved => Reason is null;
}

/// <summary>The reasons of an unresolved digest (the <c>ImageDigestResolved=False</c> condition of the revision).</summary>
public static class ImageDigestReasons
{
    /// <summary>No docker CLI, or it cannot reach a Docker engine.</summary>
    public const string DockerUnavailable = "DockerUnavailable";

    /// <summary>The Docker engine does not have the image.</summary>
    public const string ImageNotFound = "ImageNotFound";

    /// <summary>The image's registry is in <c>registries-skipping-tag-resolving</c>, as Knative skips it.</summary>
    public const string ResolutionSkipped = "ResolutionSkipped";

    /// <summary><c>docker image inspect</c> failed otherwise, or answered something that is not a digest.</summary>
    public const string ResolutionFailed = "DigestResolutionFailed";
}
