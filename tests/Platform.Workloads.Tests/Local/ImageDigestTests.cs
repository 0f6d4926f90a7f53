using Platform.Serving.Contracts.Revisions;
using Platform.Testing;
using Platform.Workloads.Local;

namespace Platform.Workloads.Tests.Local;

/// <summary>
/// Image digests through the docker CLI, with a fake <c>docker</c> (a bash script as
/// <see cref="LocalBackendOptions.DockerCommand"/>) that answers as the real one does: no Docker engine needed.
/// </summary>
public sealed class ImageDigestTests : IDisposable
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("platform-digests-");

    public void Dispose() => _dir.Delete(recursive: true);

    internal static readonly Rows<string, string?, string?> PlanRows = new()
    {
        // label, image, digest known without asking, skipped registry
        { "tag on Docker Hub: inspect", "nginx:1.27", null, null },
        { "by digest: itself", "ghcr.io/a/b@sha256:" + new string('a', 64), "ghcr.io/a/b@sha256:" + new string('a', 64), null },
        { "ko.local: skipped", "ko.local/hello:latest", null, "ko.local" },
        { "dev.local with a port-less path: skipped", "dev.local/team/hello", null, "dev.local" },
        { "registry with a port: inspect", "localhost:5000/hello:1", null, null },
        { "a user on Docker Hub is not a registry", "kind/hello:1", null, null },
    };

    public static TheoryData<string> Plans => PlanRows.Labels;

    [Theory]
    [MemberData(nameof(Plans))]
    public void Plans_follow_Knatives_skip_rules(string label)
    {
        var (image, digest, skipped) = PlanRows[label];
        var plan = DockerImageDigests.Plan(image, new LocalBackendOptions().RegistriesSkippingTagResolving);
        Assert.True(plan.Digest == digest && plan.SkippedRegistry == skipped, $"{label}: got {plan}");
    }

    [Theory]
    [InlineData("nginx", "index.docker.io")]
    [InlineData("library/nginx:1", "index.docker.io")]
    [InlineData("docker.io/library/nginx", "index.docker.io")]
    [InlineData("ghcr.io/a/b:1", "ghcr.io")]
    [InlineData("localhost/x", "localhost")]
    [InlineData("registry:5000/x", "registry:5000")]
    public void Registries_are_read_as_docker_reads_them(string image, string registry) =>
        Assert.Equal(registry, DockerImageDigests.Registry(image));

    [Theory]
    [InlineData("nginx@" + Digest + "\n", "nginx@" + Digest)]
    [InlineData(Digest + "\n", Digest)]
    [InlineData("'" + Digest + "'\n", Digest)]
    [InlineData("<no value>\n", null)]
    [InlineData("", null)]
    [InlineData("sha256:123\n", null)]
    public void Only_a_digest_is_taken_from_dockers_answer(string output, string? digest) =>
        Assert.Equal(digest, DockerImageDigests.Parse(output));

    [Theory]
    [InlineData("Error: No such image: nope:1", ImageDigestReasons.ImageNotFound)]
    [InlineData("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?", ImageDigestReasons.DockerUnavailable)]
    [InlineData("template: :1: unexpected", ImageDigestReasons.ResolutionFailed)]
    public void Failures_are_classified(string error, string reason) => Assert.Equal(reason, DockerImageDigests.Classify(error));

    private string FakeDocker(string body)
    {
        var path = Path.Combine(_dir.FullName, $"docker-{Guid.NewGuid():N}");
        File.WriteAllText(path, "#!/usr/bin/env bash\n" + body + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static async Task<ImageDigestResolution?> ResolveAsync(string docker, RevisionWorkload workload)
    {
        await using var backend = new LocalWorkloadBackend(new LocalBackendOptions { DockerCommand = docker });
        return await backend.ResolveImageDigestsAsync(workload);
    }

    private static RevisionWorkload Workload(string? image, params SidecarContainer[] sidecars) => new()
    {
        Revision = new RevisionKey("default", "hello-00001"),
        Image = image,
        Command = image is null ? ["sleep"] : [],
        Sidecars = sidecars,
    };

    [Fact]
    public async Task The_fake_docker_is_asked_with_the_inspect_format_and_its_repo_digest_is_taken()
    {
        var args = Path.Combine(_dir.FullName, "args");
        var docker = FakeDocker($"printf '%s\\n' \"$@\" > '{args}'; echo 'ghcr.io/example/hello@{Digest}'");
        var got = await ResolveAsync(docker, Workload("ghcr.io/example/hello:1"));
        Assert.NotNull(got);
        Assert.True(got.Resolved, got.Message);
        Assert.Equal([new ContainerImageDigest("user-container", "ghcr.io/example/hello@" + Digest)], got.Containers);
        Assert.Equal(["image", "inspect", "--format", DockerImageDigests.Format, "ghcr.io/example/hello:1"], File.ReadAllLines(args));
    }

    [Fact]
    public async Task A_missing_image_a_daemon_down_and_a_missing_cli_each_give_their_reason()
    {
        var missing = FakeDocker("echo 'Error: No such image: ghcr.io/example/nope:1' >&2; exit 1");
        var got = await ResolveAsync(missing, Workload("ghcr.io/example/nope:1"));
        Assert.NotNull(got);
        Assert.True(got is { Resolved: false, Reason: ImageDigestReasons.ImageNotFound }, got.ToString());
        Assert.Contains("container user-container, image \"ghcr.io/example/nope:1\"", got.Message);
        Assert.Null(Assert.Single(got.Containers).ImageDigest);

        var down = FakeDocker("echo 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' >&2; exit 1");
        got = await ResolveAsync(down, Workload("nginx:1"));
        Assert.True(got is { Reason: ImageDigestReasons.DockerUnavailable }, got?.ToString());

        got = await ResolveAsync(Path.Combine(_dir.FullName, "no-docker-here"), Workload("nginx:1"));
        Assert.NotNull(got);
        Assert.True(got is { Reason: ImageDigestReasons.DockerUnavailable }, got.ToString());
        Assert.Contains("no-docker-here", got.Message);
    }

    [Fact]
    public async Task Digest_form_and_skipped_registries_need_no_docker_and_a_command_only_revision_has_nothing_to_resolve()
    {
        var never = FakeDocker("echo called >&2; exit 99");
        var byDigest = "ghcr.io/example/hello@" + Digest;
        var got = await ResolveAsync(never, Workload(byDigest, new SidecarContainer { Name = "proxy", Image = "ko.local/proxy:1" }));
        Assert.NotNull(got);
        Assert.Equal([new ContainerImageDigest("user-container", byDigest), new ContainerImageDigest("proxy", null)], got.Containers);
        Assert.Equal(ImageDigestReasons.ResolutionSkipped, got.Reason);
        Assert.Contains("registry ko.local is in registries-skipping-tag-resolving", got.Message);

        Assert.Null(await ResolveAsync(never, Workload(null)));
    }

    [Fact]
    public async Task An_image_without_repo_digest_gets_its_local_image_id()
    {
        var docker = FakeDocker($"echo '{Digest}'");
        var got = await ResolveAsync(docker, Workload("hello:dev"));
        Assert.NotNull(got);
        Assert.True(got.Resolved, got.ToString());
        Assert.Equal(Digest, Assert.Single(got.Containers).ImageDigest);
    }
}
