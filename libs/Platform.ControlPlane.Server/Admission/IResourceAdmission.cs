using System.Text.Json.Nodes;
using Platform.ControlPlane.Kinds;
using Platform.Resources.Validation;

namespace Platform.ControlPlane.Server.Admission;

/// <summary>
/// Decides whether an object may be stored, and fills its defaults: the seam where the typed resource model
/// (Knative defaulting and validation) plugs into the generic API. Called for every create, update, status update,
/// patch and apply, after the API has set <c>apiVersion</c>, <c>kind</c>, <c>metadata.name</c> and
/// <c>metadata.namespace</c>. Must be pure and thread-safe; it must not keep or mutate the old object.
/// </summary>
internal interface IResourceAdmission
{
    /// <summary>
    /// Admits <paramref name="obj"/> (which the implementation may change and return) or refuses it with every
    /// field error at once. <paramref name="old"/> is the stored object on update, null on create.
    /// </summary>
    AdmissionDecision Admit(ResourceKind kind, JsonObject obj, JsonObject? old);
}

/// <summary>Either the admitted (possibly defaulted) object or the field errors.</summary>
internal sealed record AdmissionDecision
{
    private AdmissionDecision(JsonObject? obj, IReadOnlyList<FieldError> errors) => (Object, Errors) = (obj, errors);

    /// <summary>The object to store; null when refused.</summary>
    public JsonObject? Object { get; }

    /// <summary>Every field error; empty when allowed.</summary>
    public IReadOnlyList<FieldError> Errors { get; }

    /// <summary>True when the object may be stored.</summary>
    public bool Allowed => Object is not null;

    /// <summary>Admits <paramref name="obj"/>.</summary>
    public static AdmissionDecision Allow(JsonObject obj) => new(obj, []);

    /// <summary>Refuses with <paramref name="errors"/> (at least one).</summary>
    public static AdmissionDecision Deny(IReadOnlyList<FieldError> errors) =>
        errors.Count == 0 ? throw new ArgumentException("a denial needs at least one field error", nameof(errors)) : new(null, errors);
}
