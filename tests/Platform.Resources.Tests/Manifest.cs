using Platform.Resources.Meta;
using Platform.Resources.Serialization;

namespace Platform.Resources.Tests;

/// <summary>Reads the sample manifests copied next to the test assembly.</summary>
internal static class Manifest
{
    public static readonly string[] All =
    [
        "hello-world.yaml", "traffic-split.yaml", "autoscaling.yaml", "local-command.yaml", "route-configuration.yaml",
        "broker-trigger.yaml", "ping-source.yaml", "sequence.yaml", "parallel.yaml", "channel-subscription.yaml",
        "domain-mapping.yaml", "sources.yaml",
    ];

    public static string Text(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Manifests", name));

    public static IReadOnlyList<Resource> Read(string name)
    {
        var result = ResourceSerializer.Default.Read(Text(name));
        Assert.True(result.Success, string.Join("\n", result.Errors));
        return result.Resources;
    }

    /// <summary>Reads one YAML resource, defaults and validates it; returns the errors as strings.</summary>
    public static string[] Errors(string yaml)
    {
        var result = ResourceSerializer.Default.Read(yaml);
        Assert.True(result.Success, string.Join("\n", result.Errors));
        var resource = Assert.Single(result.Resources);
        return [.. ResourceAdmission.Knative.Create(resource).Errors.Select(e => e.ToString())];
    }
}
