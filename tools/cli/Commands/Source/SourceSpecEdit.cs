using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Cli.Client;
using Platform.Cli.Commands.Resources;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.Resources.Duck;
using Platform.Resources.Meta;
using Platform.Resources.Serialization;

namespace Platform.Cli.Commands.Source;

/// <summary>
/// What the source commands share: the <c>--sink</c> and <c>--ce-override</c> flags, and <c>update</c> as kn does it
/// (read, edit the spec, check it as the API will, replace with the read resourceVersion, redo on a conflict).
/// </summary>
internal static class SourceSpecEdit
{
    /// <summary>
    /// Sets <c>spec.ceOverrides.extensions</c> from <c>--ce-override KEY=VALUE</c> (<c>KEY-</c> removes); drops the
    /// block when no extension is left.
    /// </summary>
    public static void ApplyOverrides(SourceSpec spec, KeyValues overrides)
    {
        if (overrides.IsEmpty) return;
        var extensions = overrides.ApplyTo(spec.CeOverrides?.Extensions);
        spec.CeOverrides = extensions is null ? null : new CloudEventOverrides { Extensions = extensions };
    }

    /// <summary>
    /// Replaces the spec of <paramref name="ns"/>/<paramref name="name"/> by <paramref name="edit"/> of it; the object
    /// <paramref name="build"/> makes of the edited spec is checked first (every field error, nothing sent).
    /// </summary>
    public static async Task<JsonObject> UpdateAsync<TSpec>(IResourceStore client, ResourceKind kind, string ns, string name,
        Action<TSpec> edit, Func<TSpec, Resource> build, CancellationToken cancel) where TSpec : new()
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await client.GetRequiredAsync(kind, ns, name, cancel).ConfigureAwait(false);
            var spec = current["spec"] is { } node ? node.Deserialize<TSpec>(ResourceSerializer.Default.JsonOptions) ?? new TSpec() : new TSpec();
            edit(spec);
            var resource = build(spec);
            resource.Metadata.Name = name;
            resource.Metadata.Namespace = ns;
            Created.Check(resource);
            var next = (JsonObject)current.DeepClone();
            next["spec"] = JsonSerializer.SerializeToNode(spec, ResourceSerializer.Default.JsonOptions);
            try
            {
                return await client.ReplaceAsync(kind, ns, name, next, cancel).ConfigureAwait(false);
            }
            catch (ResourceException e) when (e.Reason == StatusReason.Conflict && attempt < 3)
            {
                // The sources service wrote status in between: read again and redo the edit, as kn does.
            }
        }
    }
}
