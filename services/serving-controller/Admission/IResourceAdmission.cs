using System.Text.Json.Nodes;
using Platform.ServingController.Kinds;

namespace Platform.ServingController.Admission;

/// <summary>
/// Decides whether an object may be stored, and fills its defaults: the seam where the typed resource model
/// (Knative defaulting and validation) plugs into the generic API. Called for every create, update, status update,
/// patch and apply, after the API has set <c>apiVersion</c>, <c>kind</c>, <c>metadata.name</c> and
/// <c>metadata.namespace</c>. Must be pure and thread-safe; it must not keep or mutate the old object.
/// </summary>
public interface IResourceAdmission
{
    /// <summary>
    /// Admits <paramref name="obj"/> (which the implementation may change and return) or refuses it with every
    /// field error at once. <paramref name="old"/> is the stored object on update, null on create.
    /// </summary>
    AdmissionResult Admit(ResourceKind kind, JsonObject obj, JsonObject? old);
}

/// <summary>One refused field: <c>spec.traffic[1].percent</c> + <c>must be between 0 and 100</c>.</summary>
/// <param name="Path">Field path as Knative prints it.</param>
/// <param name="Message">Why.</param>
/// <param name="Reason">Kubernetes cause type (<c>FieldValueInvalid</c>, <c>FieldValueRequired</c>, <c>FieldValueNotSupported</c>, <c>FieldValueForbidden</c>).</param>
public sealed record FieldError(string Path, string Message, string Reason = FieldError.Invalid)
{
    /// <summary>Cause type of a value that breaks a rule.</summary>
    public const string Invalid = "FieldValueInvalid";
    /// <summary>Cause type of a missing value.</summary>
    public const string Required = "FieldValueRequired";
    /// <summary>Cause type of a field that is not part of the schema.</summary>
    public const string Unknown = "FieldValueNotSupported";
}

/// <summary>Either the admitted (possibly defaulted) object or the field errors.</summary>
public sealed record AdmissionResult
{
    private AdmissionResult(JsonObject? obj, IReadOnlyList<FieldError> errors) => (Object, Errors) = (obj, errors);

    /// <summary>The object to store; null when refused.</summary>
    public JsonObject? Object { get; }

    /// <summary>Every field error; empty when allowed.</summary>
    public IReadOnlyList<FieldError> Errors { get; }

    /// <summary>True when the object may be stored.</summary>
    public bool Allowed => Object is not null;

    /// <summary>Admits <paramref name="obj"/>.</summary>
    public static AdmissionResult Allow(JsonObject obj) => new(obj, []);

    /// <summary>Refuses with <paramref name="errors"/> (at least one).</summary>
    public static AdmissionResult Deny(IReadOnlyList<FieldError> errors) =>
        errors.Count == 0 ? throw new ArgumentException("a denial needs at least one field error", nameof(errors)) : new(null, errors);
}
