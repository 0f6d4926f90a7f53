using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Platform.Workloads.Local;

/// <summary>
/// Resolves image digests through the docker CLI (<see cref="LocalBackendOptions.DockerCommand"/>):
/// <c>docker image inspect --format '{{if .RepoDigests}}{{index .RepoDigests 0}}{{else}}{{.Id}}{{end}}' IMAGE</c>.
/// As Knative, an image given by digest is its own digest and a registry in
/// <see cref="LocalBackendOptions.RegistriesSkippingTagResolving"/> is skipped. The rules are pure
/// (<see cref="Plan"/>, <see cref="Registry"/>, <see cref="Parse"/>, <see cref="Classify"/>); only
/// <see cref="ResolveAsync"/> runs the CLI.
/// </summary>
internal static partial class DockerImageDigests
{
    /// <summary>The <c>--format</c> template: the first repo digest, or the image ID when there is none.</summary>
    public const string Format = "{{if .RepoDigests}}{{index .RepoDigests 0}}{{else}}{{.Id}}{{end}}";

    /// <summary>What to do for one image.</summary>
    /// <param name="Digest">Known without asking: the image itself, given by digest.</param>
    /// <param name="SkippedRegistry">The registry that is skipped, when it is.</param>
    public readonly record struct ImagePlan(string? Digest, string? SkippedRegistry)
    {
        /// <summary>True when docker must be asked.</summary>
        public bool Inspect => Digest is null && SkippedRegistry is null;
    }

    /// <summary>How one image is resolved.</summary>
    public static ImagePlan Plan(string image, IReadOnlyList<string> skipping)
    {
        if (image.Contains("@sha256:", StringComparison.Ordinal)) return new ImagePlan(image, null);
        var registry = Registry(image);
        var skipped = skipping.Any(r => string.Equals(r, registry, StringComparison.OrdinalIgnoreCase)
            || (registry == DockerHub && string.Equals(r, "docker.io", StringComparison.OrdinalIgnoreCase)));
        return new ImagePlan(null, skipped ? registry : null);
    }

    /// <summary>Docker Hub's registry name, as Knative (go-containerregistry) spells it.</summary>
    public const string DockerHub = "index.docker.io";

    /// <summary>
    /// The registry of an image reference: its first path component when that has a dot or a port or is
    /// <c>localhost</c> (Docker's rule), else Docker Hub.
    /// </summary>
    public static string Registry(string image)
    {
        var slash = image.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0) return DockerHub;
        var first = image[..slash];
        return first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost"
            ? first.ToLowerInvariant() is "docker.io" ? DockerHub : first.ToLowerInvariant()
            : DockerHub;
    }

    /// <summary>The digest in docker's answer (its first line), or null when it is not one.</summary>
    public static string? Parse(string output)
    {
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        line = line.Trim('\'', '"');
        return DigestPattern().IsMatch(line) ? line : null;
    }

    /// <summary>The reason of a failed <c>docker image inspect</c>, from its exit and error output.</summary>
    public static string Classify(string error) =>
        error.Contains("No such image", StringComparison.OrdinalIgnoreCase) || error.Contains("No such object", StringComparison.OrdinalIgnoreCase)
            ? ImageDigestReasons.ImageNotFound
            : error.Contains("Cannot connect to the Docker daemon", StringComparison.OrdinalIgnoreCase) || error.Contains("docker daemon", StringComparison.OrdinalIgnoreCase)
                ? ImageDigestReasons.DockerUnavailable
                : ImageDigestReasons.ResolutionFailed;

    [GeneratedRegex(@"^([^\s@]+@)?sha256:[0-9a-f]{64}$")]
    private static partial Regex DigestPattern();

    /// <summary>Resolves every container with an image; null when none has one.</summary>
    public static async Task<ImageDigestResolution?> ResolveAsync(RevisionWorkload workload, LocalBackendOptions options, CancellationToken cancellationToken)
    {
        var images = new List<(string Container, string Image)>();
        if (workload.Image is { Length: > 0 } image) images.Add((workload.ContainerName, image));
        images.AddRange(workload.Sidecars.Where(s => s.Image is { Length: > 0 }).Select(s => (s.Name, s.Image!)));
        if (images.Count == 0) return null;

        var containers = new List<ContainerImageDigest>();
        string? reason = null, message = null;
        foreach (var (container, reference) in images)
        {
            var plan = Plan(reference, options.RegistriesSkippingTagResolving);
            var (digest, why, text) = plan switch
            {
                { Digest: { } known } => (known, null, null),
                { SkippedRegistry: { } registry } => ((string?)null, ImageDigestReasons.ResolutionSkipped,
                    $"registry {registry} is in registries-skipping-tag-resolving: the image is not resolved"),
                _ => await InspectAsync(reference, options, cancellationToken),
            };
            containers.Add(new ContainerImageDigest(container, digest));
            if (why is not null && reason is null) (reason, message) = (why, $"container {container}, image \"{reference}\": {text}");
        }
        return new ImageDigestResolution(containers, reason, message);
    }

    private static async Task<(string? Digest, string? Reason, string? Message)> InspectAsync(string image, LocalBackendOptions options, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(options.DockerCommand, ["image", "inspect", "--format", Format, image])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (null, ImageDigestReasons.DockerUnavailable, $"the docker CLI \"{options.DockerCommand}\" cannot be run: {e.Message}");
        }
        if (process is null) return (null, ImageDigestReasons.DockerUnavailable, $"the docker CLI \"{options.DockerCommand}\" did not start");
        using (process)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.DigestTimeout);
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var error = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
                var (stdout, stderr) = (await output, await error);
                if (process.ExitCode != 0)
                {
                    var detail = stderr.Trim() is { Length: > 0 } e ? e : $"exit code {process.ExitCode}";
                    return (null, Classify(stderr), $"docker image inspect failed: {Truncate(detail)}");
                }
                return Parse(stdout) is { } digest
                    ? (digest, null, null)
                    : (null, ImageDigestReasons.ResolutionFailed, $"docker image inspect answered \"{Truncate(stdout.Trim())}\", not a digest");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                return (null, ImageDigestReasons.DockerUnavailable, $"docker image inspect did not answer within {options.DigestTimeout.TotalSeconds:0.#}s");
            }
        }
    }

    private static string Truncate(string text) => text.Length <= 512 ? text : text[..509] + "...";
}
