using System.Text.Json.Nodes;
using Platform.ControlPlane.Kinds;
using Platform.Resources;
using Platform.Resources.Serialization;
using Platform.Resources.Validation;

namespace Platform.ControlPlane.Server.Admission;

/// <summary>
/// Admission through the typed resource model (libs/Platform.Resources): reads the JSON into its C# type (unknown
/// fields and wrong types become field errors), fills Knative's defaults, validates (with immutability checks on
/// update) and hands back the defaulted object as JSON. Chosen with <c>ControlPlane:Admission=knative</c>. The
/// catalog re-stamps identity and timestamps afterwards, so the model's metadata formatting does not matter.
/// </summary>
internal sealed class KnativeAdmission(ResourceSerializer serializer, ResourceAdmission admission) : IResourceAdmission
{
    /// <summary>Knative's kinds, defaults and rules.</summary>
    public static KnativeAdmission Default { get; } = new(ResourceSerializer.Default, ResourceAdmission.Knative);

    /// <inheritdoc />
    public AdmissionDecision Admit(ResourceKind kind, JsonObject obj, JsonObject? old)
    {
        var read = serializer.ReadNode(obj);
        if (!read.Success || read.Resources.Count != 1)
            return AdmissionDecision.Deny(read.Errors.Select(e => e.ToFieldError()).DefaultIfEmpty(new FieldError("", "not a resource")).ToList());
        var resource = read.Resources[0];
        var previous = old is null ? null : serializer.ReadNode(old) is { Success: true, Resources.Count: 1 } p ? p.Resources[0] : null;
        var result = previous is null ? admission.Create(resource) : admission.Update(previous, resource);
        if (!result.Allowed) return AdmissionDecision.Deny(result.Errors);
        return AdmissionDecision.Allow(serializer.ToNode(result.Resource));
    }
}
