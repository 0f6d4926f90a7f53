using Platform.Resources.Defaulting;
using Platform.Resources.Meta;
using Platform.Resources.Validation;

namespace Platform.Resources;

/// <summary>The outcome of admitting a resource: the defaulted object and every validation error.</summary>
/// <param name="Resource">The resource with defaults filled (a copy; the input is untouched).</param>
/// <param name="Errors">Every error; the resource must not be stored unless this is empty.</param>
public sealed record AdmissionResult(Resource Resource, IReadOnlyList<FieldError> Errors)
{
    /// <summary>True when the resource may be stored.</summary>
    public bool Allowed => Errors.Count == 0;
}

/// <summary>What Knative's webhook does on create and update: default, then validate (and check immutable fields).</summary>
public sealed class ResourceAdmission(ResourceDefaulter defaulter, ResourceValidator validator)
{
    /// <summary>Knative's defaults and limits.</summary>
    public static ResourceAdmission Knative { get; } = new(ResourceDefaulter.Knative, ResourceValidator.Knative);

    /// <summary>Defaults and validates a new resource.</summary>
    public AdmissionResult Create(Resource resource)
    {
        var defaulted = defaulter.Default(resource);
        return new AdmissionResult(defaulted, validator.Validate(defaulted));
    }

    /// <summary>Defaults and validates a replacement of <paramref name="previous"/>, including immutable fields.</summary>
    public AdmissionResult Update(Resource previous, Resource next)
    {
        var defaulted = defaulter.Default(next);
        // The stored object is already defaulted; defaulting it again (idempotent) keeps old objects comparable.
        return new AdmissionResult(defaulted, validator.ValidateUpdate(defaulter.Default(previous), defaulted));
    }
}
