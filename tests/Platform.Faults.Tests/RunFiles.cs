using System.Diagnostics;
using System.Text.Json;
using Platform.Testing.Serving;

namespace Platform.Faults.Tests;

/// <summary>What a run records under <c>.platform/run</c>: the runner's state (its processes) and the controller's replicas.</summary>
internal sealed class RunFiles(ServingStack stack)
{
    /// <summary><c>state.json</c>, written by the runner.</summary>
    public JsonElement State()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(stack.PlatformDirectory, "run", "state.json")));
        return doc.RootElement.Clone();
    }

    /// <summary>The pid of a process of the run by its name (<c>activator</c>, <c>activator (dapr)</c>), or null.</summary>
    public int? PidOf(string process) => State().GetProperty("processes").EnumerateArray()
        .Where(p => p.GetProperty("name").GetString() == process).Select(p => (int?)p.GetProperty("pid").GetInt32()).FirstOrDefault();

    /// <summary>The live replica processes of <paramref name="revision"/> (<c>namespace/name</c>), from the controller's replica record.</summary>
    public List<int> ReplicaPids(string revision)
    {
        var path = Path.Combine(stack.PlatformDirectory, "run", "replicas", "replicas.json");
        if (!File.Exists(path)) return [];
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            return doc.RootElement.EnumerateArray()
                .Where(r => r.GetProperty("revision").GetString() == revision)
                .Select(r => r.GetProperty("pid").GetInt32()).Where(Alive).Order().ToList();
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return []; // caught mid-rewrite; the next poll reads it whole
        }
    }

    /// <summary>Whether <paramref name="pid"/> is a live process.</summary>
    public static bool Alive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
