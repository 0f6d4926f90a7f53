using System.Text.Json.Nodes;
using Platform.Testing;

namespace Platform.ServingController.Tests.Reconcilers;

/// <summary>
/// Image digests in the revision's status, from the real controller with the local backend and a fake docker CLI (a
/// bash script as <c>Workloads:Local:DockerCommand</c>: no Docker engine needed). The revisions run a command, so
/// their replicas are local processes whatever the image.
/// </summary>
public sealed class ImageDigestTests : IDisposable
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("platform-sc-digests-");

    public void Dispose() => _dir.Delete(recursive: true);

    private ApiHost Host(string dockerScript)
    {
        var docker = Path.Combine(_dir.FullName, "docker");
        File.WriteAllText(docker, "#!/usr/bin/env bash\n" + dockerScript + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(docker, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new ApiHost(settings: new Dictionary<string, string?>
        {
            ["Serving:Wiring:Reconcile"] = "true",
            ["Serving:Wiring:ActivatorUrl"] = "http://127.0.0.1:1", // nothing listens: pushes fail fast
            ["Workloads:Local:DockerCommand"] = docker,
        });
    }

    private static JsonObject Service(string name, string? image) => new()
    {
        ["apiVersion"] = "serving.knative.dev/v1",
        ["kind"] = "Service",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
        ["spec"] = new JsonObject
        {
            ["template"] = new JsonObject
            {
                ["spec"] = new JsonObject
                {
                    ["containers"] = new JsonArray(image is null
                        ? new JsonObject { ["command"] = new JsonArray("sleep"), ["args"] = new JsonArray("30") }
                        : new JsonObject { ["image"] = image, ["command"] = new JsonArray("sleep"), ["args"] = new JsonArray("30") }),
                },
            },
        },
    };

    private static JsonObject? ConditionOf(JsonObject? revision, string type) =>
        (revision?["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == type);

    [Fact]
    public async Task A_revision_with_an_image_gets_its_digest_once_and_a_command_only_revision_needs_none()
    {
        var calls = Path.Combine(_dir.FullName, "calls");
        await using var host = Host($"echo \"$@\" >> '{calls}'; echo 'ghcr.io/example/hello@{Digest}'");
        await host.Store.CreateAsync(ApiHost.Service, Service("hello", "ghcr.io/example/hello:1"));
        await host.Store.CreateAsync(ApiHost.Service, Service("plain", null));

        JsonObject? revision = null;
        await Condition.UntilAsync(async () => ConditionOf(revision = await host.Store.GetAsync(ApiHost.Revision, "default", "hello-00001"), "ImageDigestResolved") is not null,
            Patience, "hello-00001 records its digest");
        Assert.Equal("True", ConditionOf(revision, "ImageDigestResolved")!["status"]!.GetValue<string>());
        var container = revision!["status"]!["containerStatuses"]![0]!;
        Assert.Equal(("user-container", "ghcr.io/example/hello@" + Digest), (container["name"]!.GetValue<string>(), container["imageDigest"]!.GetValue<string>()));

        // The command-only revision is reconciled (its status written) without a digest, a condition or a docker call.
        await Condition.UntilAsync(async () => ConditionOf(await host.Store.GetAsync(ApiHost.Revision, "default", "plain-00001"), "Ready") is not null,
            Patience, "plain-00001 has a status");
        var plain = await host.Store.GetAsync(ApiHost.Revision, "default", "plain-00001");
        Assert.Null(ConditionOf(plain, "ImageDigestResolved"));
        Assert.Null(plain!["status"]?["containerStatuses"]);
        // docker was asked about hello's image only, with the inspect format.
        Assert.All(File.ReadAllLines(calls), line => Assert.Equal("image inspect --format {{if .RepoDigests}}{{index .RepoDigests 0}}{{else}}{{.Id}}{{end}} ghcr.io/example/hello:1", line));
    }

    [Fact]
    public async Task A_digest_that_cannot_be_resolved_is_an_Info_condition_with_its_reason_and_the_revision_still_runs()
    {
        await using var host = Host("echo 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' >&2; exit 1");
        await host.Store.CreateAsync(ApiHost.Service, Service("hello", "ghcr.io/example/hello:1"));

        JsonObject? revision = null;
        await Condition.UntilAsync(async () => ConditionOf(revision = await host.Store.GetAsync(ApiHost.Revision, "default", "hello-00001"), "ImageDigestResolved") is not null,
            Patience, "hello-00001 records why it has no digest");
        var condition = ConditionOf(revision, "ImageDigestResolved")!;
        Assert.Equal(("False", "DockerUnavailable", "Info"), (condition["status"]!.GetValue<string>(), condition["reason"]!.GetValue<string>(), condition["severity"]!.GetValue<string>()));
        Assert.Contains("Cannot connect to the Docker daemon", condition["message"]!.GetValue<string>());
        Assert.Null(revision!["status"]!["containerStatuses"]![0]!["imageDigest"]);
        // Not a failure of the revision: its replica runs the command (it never listens, so it stays Deploying).
        Assert.NotEqual("False", ConditionOf(revision, "Ready")?["status"]?.GetValue<string>());
    }
}
