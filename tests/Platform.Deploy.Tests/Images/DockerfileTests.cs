using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Platform.Resources.Serialization;
using Platform.Testing;

namespace Platform.Deploy.Tests.Images;

/// <summary>
/// The Dockerfile of every service, read as text (no container engine runs here): multi-stage from the .NET SDK to
/// the ASP.NET runtime image, publishing the service's own project, running as a non-root user by number, with an
/// exec-form entrypoint on the assembly that publish produces and the app port of dapr.yaml exposed.
/// </summary>
public sealed partial class DockerfileTests
{
    public static TheoryData<string> Services => [.. Directory.GetDirectories(Path.Combine(Builds.Root, "services")).Select(d => Path.GetFileName(d)!).Order()];

    [Theory]
    [MemberData(nameof(Services))]
    public void The_Dockerfile_builds_with_the_SDK_and_runs_the_service_as_non_root_on_the_runtime_image(string service)
    {
        var folder = Path.Combine(Builds.Root, "services", service);
        var path = Path.Combine(folder, "Dockerfile");
        Assert.True(File.Exists(path), $"services/{service} has no Dockerfile");
        var lines = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

        var stages = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.True(stages.Count >= 2, $"{service}: multi-stage (found {stages.Count} FROM)");
        Assert.Matches(@"^FROM mcr\.microsoft\.com/dotnet/sdk:10\.0\S* AS build$", stages[0]);
        Assert.Matches(@"^FROM mcr\.microsoft\.com/dotnet/aspnet:10\.0\S*( AS \w+)?$", stages[^1]);

        var project = Directory.GetFiles(folder, "*.csproj").Single();
        var publish = Assert.Single(lines, l => l.StartsWith("RUN dotnet publish", StringComparison.Ordinal));
        Assert.Contains($"services/{service}/{Path.GetFileName(project)}", publish);
        Assert.Contains("-c Release", publish);

        var final = lines.Skip(lines.IndexOf(stages[^1])).ToList();
        var user = Assert.Single(final, l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.True(int.TryParse(user[5..].Trim(), out var uid) && uid > 0, $"{service}: USER must be a non-root uid, got {user}");
        Assert.True(final.IndexOf(user) > final.FindLastIndex(l => l.StartsWith("COPY", StringComparison.Ordinal)), $"{service}: USER after the files are copied");

        var entrypoint = Assert.Single(final, l => l.StartsWith("ENTRYPOINT ", StringComparison.Ordinal));
        var args = JsonNode.Parse(entrypoint["ENTRYPOINT ".Length..])!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        Assert.Equal(["dotnet", AssemblyName(project) + ".dll"], args);

        var exposed = final.Where(l => l.StartsWith("EXPOSE ", StringComparison.Ordinal)).SelectMany(l => l[7..].Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Contains(AppPort(service).ToString(System.Globalization.CultureInfo.InvariantCulture), exposed);
    }

    [Fact]
    public void The_build_context_leaves_build_output_and_local_state_out()
    {
        var ignored = File.ReadAllLines(Path.Combine(Builds.Root, ".dockerignore"));
        foreach (var entry in new[] { "**/bin/", "**/obj/", ".git", ".platform/", ".tools/" }) Assert.Contains(entry, ignored);
    }

    private static string AssemblyName(string project) =>
        AssemblyNamePattern().Match(File.ReadAllText(project)) is { Success: true } m ? m.Groups[1].Value : Path.GetFileNameWithoutExtension(project);

    private static int AppPort(string service)
    {
        var run = YamlDocuments.Parse(File.ReadAllText(Path.Combine(Builds.Root, "dapr.yaml"))).OfType<JsonObject>().Single();
        var app = run["apps"]!.AsArray().Single(a => a!["appID"]!.GetValue<string>() == service)!;
        return (int)app["appPort"]!.GetValue<long>();
    }

    [GeneratedRegex("<AssemblyName>([^<]+)</AssemblyName>")]
    private static partial Regex AssemblyNamePattern();
}
