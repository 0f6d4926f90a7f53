using System.Reflection;
using System.Text.RegularExpressions;
using Platform.Testing;

namespace Platform.ControlPlane.Tests.Contracts;

/// <summary>
/// The architecture's rules, checked on the build: each contract that crosses projects is defined in exactly one
/// assembly, and no project compiles another project's files.
/// </summary>
public sealed partial class DefinedOnceTests
{
    // Every assembly of Platform that ships: services, libraries and tools.
    private static readonly (string Project, string Assembly)[] Shipped =
    [
        ("services/serving-controller", "Platform.ServingController.dll"),
        ("services/activator", "Platform.Activator.dll"),
        ("services/autoscaler", "Platform.Autoscaler.dll"),
        ("services/broker", "Platform.Broker.dll"),
        ("services/sources", "Platform.Sources.dll"),
        ("tools/cli", "platform.dll"),
        // Test helpers are contracts too: one fake of each outside system.
        ("tests/Platform.Testing", "Platform.Testing.dll"),
        ("tests/Platform.ServingController.Tests", "Platform.ServingController.Tests.dll"),
        ("tests/Platform.Cli.Tests", "Platform.Cli.Tests.dll"),
    ];

    public static TheoryData<string> Contracts() =>
    [
        "RevisionKey", "RevisionStat", "RouteTable", "RevisionRoute", "ServiceRoute", "EndpointsUpdate",
        "ResourceKind", "ResourceKinds", "IResourceStore", "ResourceEvent", "ResourceError", "ResourceException", "StoredObject",
        "FieldError", "HttpResourceStore", "KubernetesResourceStore", "ResourceInformer", "FakeKubernetesApi",
        "Addresses", "ProtectedDestinations",
    ];

    [Theory]
    [MemberData(nameof(Contracts))]
    public void Each_contract_is_defined_in_exactly_one_assembly(string typeName)
    {
        var definitions = LoadAll()
            .SelectMany(a => Types(a).Where(t => t.Name == typeName).Select(t => $"{t.FullName} in {a.GetName().Name}"))
            .Distinct()
            .ToList();
        Assert.True(definitions.Count == 1, $"{typeName} is defined {definitions.Count} times: {string.Join("; ", definitions)}");
    }

    [Fact]
    public void No_project_compiles_another_projects_files()
    {
        var linked = Directory.EnumerateFiles(Builds.Root, "*.csproj", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(p => CompileOutside().IsMatch(File.ReadAllText(p)))
            .Select(p => Path.GetRelativePath(Builds.Root, p))
            .ToList();
        Assert.True(linked.Count == 0, "projects compiling files of other projects (<Compile Include=\"../...\">): " + string.Join(", ", linked));
    }

    [GeneratedRegex(@"<Compile\s+Include=""\.\.[/\\]", RegexOptions.IgnoreCase)]
    private static partial Regex CompileOutside();

    // The shipped assemblies and every Platform assembly beside them (the libraries they reference), each once.
    private static List<Assembly> LoadAll()
    {
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (project, assembly) in Shipped)
        {
            var folder = Builds.Output(project, "");
            foreach (var dll in Directory.EnumerateFiles(folder, "*.dll"))
            {
                var name = Path.GetFileName(dll);
                if ((name.StartsWith("Platform.", StringComparison.Ordinal) || name == assembly || name == "Benchmarks.dll") && !paths.ContainsKey(name))
                    paths[name] = dll;
            }
        }
        var context = new System.Runtime.Loader.AssemblyLoadContext("contracts", isCollectible: true);
        return [.. paths.Values.Select(context.LoadFromAssemblyPath)];
    }

    private static IEnumerable<Type> Types(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.OfType<Type>();
        }
    }
}
