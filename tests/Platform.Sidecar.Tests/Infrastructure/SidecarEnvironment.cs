namespace Platform.Sidecar.Tests.Infrastructure;

/// <summary>A temporary resources folder and registry folder shared by the sidecars of one test topology.</summary>
public sealed class SidecarEnvironment : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "platform-sidecar-tests-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>Creates the folders.</summary>
    public SidecarEnvironment()
    {
        Directory.CreateDirectory(ResourcesPath);
        Directory.CreateDirectory(RegistryPath);
    }

    /// <summary>The --resources-path folder.</summary>
    public string ResourcesPath => Path.Combine(_root, "resources");

    /// <summary>The --registry-dir folder.</summary>
    public string RegistryPath => Path.Combine(_root, "registry");

    /// <summary>Writes a resources file.</summary>
    public SidecarEnvironment WithFile(string name, string yaml)
    {
        File.WriteAllText(Path.Combine(ResourcesPath, name), yaml);
        return this;
    }

    /// <summary>A component document.</summary>
    public static string Component(string name, string type, params (string Key, string Value)[] metadata) =>
        $"""
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: {name}
        spec:
          type: {type}
          version: v1
          metadata:
        {string.Concat(metadata.Select(m => $"  - name: {m.Key}\n    value: \"{m.Value}\"\n"))}
        """;

    /// <inheritdoc />
    public void Dispose()
    {
        try { Directory.Delete(_root, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
