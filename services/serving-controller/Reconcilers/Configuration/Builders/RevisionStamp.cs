using System.Globalization;
using Platform.Resources.Serialization;
using Platform.Resources.Serving;

namespace Platform.ServingController.Reconcilers.Configuration.Builders;

/// <summary>
/// Stamps the revision of a Configuration's generation: name <c>{config}-{generation:00000}</c> (or the
/// template's chosen name), the template's spec, labels and annotations, owned by the Configuration.
/// </summary>
internal static class RevisionStamp
{
    /// <summary>Reason of a template name that breaks Knative's rules.</summary>
    public const string InvalidRevisionName = "InvalidRevisionName";

    /// <summary>The name the current generation's revision has.</summary>
    public static string NameFor(ServingConfiguration configuration) =>
        RevisionNames.For(configuration.Metadata.Name ?? "", configuration.Metadata.Generation ?? 1, configuration.Spec.Template);

    /// <summary>
    /// Why the template's chosen revision name cannot be used, or null: it must start with <c>{config}-</c> (Knative's
    /// rule, so that names of different configurations never clash).
    /// </summary>
    public static string? CheckChosenName(ServingConfiguration configuration)
    {
        var chosen = configuration.Spec.Template?.Metadata?.Name;
        if (string.IsNullOrEmpty(chosen)) return null;
        var prefix = configuration.Metadata.Name + "-";
        return chosen.StartsWith(prefix, StringComparison.Ordinal) && chosen.Length > prefix.Length
            ? null
            : $"spec.template.metadata.name: \"{chosen}\" must have prefix \"{prefix}\"";
    }

    /// <summary>The revision <paramref name="configuration"/> asks for at its current generation.</summary>
    public static ServingRevision Make(ServingConfiguration configuration)
    {
        var template = ResourceSerializer.Default.Clone(configuration).Spec.Template ?? new RevisionTemplateSpec();
        var revision = new ServingRevision { Spec = template.Spec ?? new RevisionSpec() };
        var meta = revision.Metadata;
        meta.Name = NameFor(configuration);
        meta.Namespace = configuration.Metadata.Namespace;
        meta.Annotations = template.Metadata?.Annotations is { Count: > 0 } a ? new(a, StringComparer.Ordinal) : null;
        meta.Labels = new Dictionary<string, string>(template.Metadata?.Labels ?? [], StringComparer.Ordinal)
        {
            [ServingMeta.ConfigurationLabel] = configuration.Metadata.Name ?? "",
            [ServingMeta.ConfigurationGenerationLabel] = (configuration.Metadata.Generation ?? 1).ToString(CultureInfo.InvariantCulture),
        };
        if (configuration.Metadata.Labels?.GetValueOrDefault(ServingMeta.ServiceLabel) is { Length: > 0 } service)
            meta.Labels[ServingMeta.ServiceLabel] = service;
        meta.OwnerReferences = [ServingObjects.ControllerRef(configuration)];
        return revision;
    }

    /// <summary>
    /// Whether an existing revision of the chosen name was stamped from a different template: revisions are
    /// immutable, so a template change needs a new name (Knative refuses it the same way).
    /// </summary>
    public static bool Differs(ServingRevision existing, ServingRevision desired) => !ServingObjects.SameJson(existing.Spec, desired.Spec);
}
