using System.Text.Json.Nodes;
using Platform.Cli.Client;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.Resources;
using Platform.Resources.Meta;
using Platform.Resources.Serialization;

namespace Platform.Cli.Commands.Resources;

/// <summary>Sends an object built from flags: checked by the model first (every field error, nothing sent), then created.</summary>
internal static class Created
{
    /// <summary>Validates <paramref name="resource"/> as the API will (after defaulting) and creates it.</summary>
    public static Task<JsonObject> SendAsync(IResourceStore client, ResourceKind kind, string ns, Resource resource, CancellationToken cancel)
    {
        Check(resource);
        return client.CreateInAsync(kind, ns, ResourceSerializer.Default.ToNode(resource), cancel);
    }

    /// <summary>Throws a <see cref="UsageException"/> listing every field error of <paramref name="resource"/>.</summary>
    public static void Check(Resource resource)
    {
        var admitted = ResourceAdmission.Knative.Create(ResourceSerializer.Default.Clone(resource));
        if (!admitted.Allowed)
            throw new UsageException($"{resource.Kind} '{resource.Metadata.Name}' is invalid", [.. admitted.Errors.Select(e => e.ToString())]);
    }
}
