using System.Diagnostics;
using System.Text.Json.Nodes;
using Platform.Resources.Serialization;
using Platform.Testing;

namespace Platform.Deploy.Tests.Helm;

/// <summary>
/// The helm binary: <c>PLATFORM_HELM</c>, else <c>.tools/bin/helm</c> in the checkout (what <c>deploy/install-tools.sh</c>
/// installs, run by <c>.ci/run</c>), else <c>helm</c> on the PATH. Outside CI a test without helm is skipped with that
/// reason; under <c>CI=true</c> it fails.
/// </summary>
internal static class HelmTool
{
    /// <summary>The chart.</summary>
    public static readonly string Chart = Path.Combine(Builds.Root, "deploy", "helm", "platform");

    /// <summary>The environment values files (<c>deploy/helm/environments/*.yaml</c>).</summary>
    public static IReadOnlyList<string> Environments { get; } =
        [.. Directory.GetFiles(Path.Combine(Builds.Root, "deploy", "helm", "environments"), "*.yaml").Select(Path.GetFileNameWithoutExtension).Order()!];

    private static readonly Lazy<string?> Path_ = new(Find);

    /// <summary>The binary, or null.</summary>
    public static string? Binary => Path_.Value;

    /// <summary>Skips the calling test when helm is missing outside CI; throws under CI.</summary>
    public static string Require()
    {
        if (Binary is { } helm) return helm;
        const string reason = "helm is not installed (run deploy/install-tools.sh, or set PLATFORM_HELM)";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException(reason + "; in CI no helm test may be skipped");
        Skip.If(true, reason);
        return "";
    }

    /// <summary>Runs helm; returns exit code, stdout and stderr.</summary>
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var start = new ProcessStartInfo(Require()) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Builds.Root };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Every manifest <c>helm template</c> renders with an environment's values file, in release namespace <c>platform-system</c>.</summary>
    public static IReadOnlyList<JsonObject> Render(string environment, params string[] extra)
    {
        var (code, output, error) = Run(["template", "platform", Chart, "--namespace", "platform-system", "-f", ValuesFile(environment), .. extra]);
        Assert.True(code == 0, $"helm template with {environment}.yaml failed: {error}");
        return [.. YamlDocuments.Parse(output).OfType<JsonObject>()];
    }

    /// <summary>The path of an environment's values file.</summary>
    public static string ValuesFile(string environment) => System.IO.Path.Combine(Builds.Root, "deploy", "helm", "environments", environment + ".yaml");

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable("PLATFORM_HELM") is { Length: > 0 } configured && File.Exists(configured)) return configured;
        var local = System.IO.Path.Combine(Builds.Root, ".tools", "bin", "helm");
        if (File.Exists(local)) return local;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = System.IO.Path.Combine(dir, "helm");
            if (File.Exists(candidate)) return candidate;
        }

        return null;
    }
}
