using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.Resources.Validation;

namespace Platform.ControlPlane.Server.Admission;

/// <summary>
/// The admission the API runs without the typed model: <c>apiVersion</c> and <c>kind</c> match the path,
/// <c>metadata.name</c> follows the kind's DNS rule, labels and annotations are string maps with valid keys, and
/// <c>spec</c>/<c>status</c>, when present, are objects. Fills no defaults.
/// </summary>
internal sealed class BasicAdmission : IResourceAdmission
{
    /// <inheritdoc />
    public AdmissionDecision Admit(ResourceKind kind, JsonObject obj, JsonObject? old)
    {
        var errors = Check(kind, obj);
        return errors.Count == 0 ? AdmissionDecision.Allow(obj) : AdmissionDecision.Deny(errors);
    }

    /// <summary>Every basic error of <paramref name="obj"/> (pure; empty when fine).</summary>
    public static IReadOnlyList<FieldError> Check(ResourceKind kind, JsonObject obj)
    {
        var errors = new List<FieldError>();
        var apiVersion = obj.Str("apiVersion");
        if (string.IsNullOrEmpty(apiVersion)) errors.Add(new("apiVersion", "Required value", FieldError.Required));
        else if (apiVersion != kind.ApiVersion) errors.Add(new("apiVersion", $"Invalid value: \"{apiVersion}\": must be {kind.ApiVersion}"));
        var kindName = obj.Str("kind");
        if (string.IsNullOrEmpty(kindName)) errors.Add(new("kind", "Required value", FieldError.Required));
        else if (kindName != kind.Kind) errors.Add(new("kind", $"Invalid value: \"{kindName}\": must be {kind.Kind}"));

        if (obj["metadata"] is not JsonObject metadata)
        {
            errors.Add(new("metadata", "Required value", FieldError.Required));
            return errors;
        }
        var name = metadata.Str("name");
        if (string.IsNullOrEmpty(name))
            errors.Add(new("metadata.name", "Required value: name or generateName is required", FieldError.Required));
        else if (NameRules.Check(kind.Name, name) is { } why)
            errors.Add(new("metadata.name", $"Invalid value: \"{name}\": {why}"));
        if (kind.Namespaced && metadata.Str("namespace") is { } ns && NameRules.Dns1123Label(ns) is { } nsWhy)
            errors.Add(new("metadata.namespace", $"Invalid value: \"{ns}\": {nsWhy}"));

        CheckStringMap(metadata, "labels", errors, isLabels: true);
        CheckStringMap(metadata, "annotations", errors, isLabels: false);
        if (metadata["finalizers"] is { } f && (f is not JsonArray arr || arr.Any(x => x is not JsonValue v || v.GetValueKind() != JsonValueKind.String)))
            errors.Add(new("metadata.finalizers", "must be a list of strings"));
        if (metadata["ownerReferences"] is { } o)
        {
            if (o is not JsonArray refs) errors.Add(new("metadata.ownerReferences", "must be a list"));
            else
                for (var i = 0; i < refs.Count; i++)
                    foreach (var field in new[] { "apiVersion", "kind", "name", "uid" })
                        if (string.IsNullOrEmpty((refs[i] as JsonObject).Str(field)))
                            errors.Add(new($"metadata.ownerReferences[{i}].{field}", "Required value", FieldError.Required));
        }

        foreach (var section in new[] { "spec", "status" })
            if (obj[section] is { } s && s is not JsonObject)
                errors.Add(new(section, "must be an object"));
        return errors;
    }

    private static void CheckStringMap(JsonObject metadata, string field, List<FieldError> errors, bool isLabels)
    {
        if (metadata[field] is not { } node) return;
        if (node is not JsonObject map)
        {
            errors.Add(new($"metadata.{field}", "must be a map of strings"));
            return;
        }
        foreach (var (key, value) in map)
        {
            if (QualifiedName(key) is { } why) errors.Add(new($"metadata.{field}", $"Invalid value: \"{key}\": {why}"));
            if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
                errors.Add(new($"metadata.{field}[{key}]", "must be a string"));
            else if (isLabels && LabelValue(v.GetValue<string>()) is { } vWhy)
                errors.Add(new($"metadata.{field}[{key}]", $"Invalid value: \"{v.GetValue<string>()}\": {vWhy}"));
        }
    }

    /// <summary>Null when <paramref name="key"/> is a Kubernetes qualified name (<c>[prefix/]name</c>).</summary>
    public static string? QualifiedName(string key)
    {
        var slash = key.IndexOf('/');
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0 && NameRules.Dns1123Subdomain(key[..slash]) is { } prefixWhy) return "prefix part " + prefixWhy;
        if (name.Length is 0 or > 63 || !char.IsAsciiLetterOrDigit(name[0]) || !char.IsAsciiLetterOrDigit(name[^1])
            || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, at most 63 characters";
        return null;
    }

    /// <summary>Null when <paramref name="value"/> is a valid label value (empty, or at most 63 of alnum '-_.' with alnum ends).</summary>
    public static string? LabelValue(string value) =>
        value.Length == 0 ? null
        : value.Length > 63 || !char.IsAsciiLetterOrDigit(value[0]) || !char.IsAsciiLetterOrDigit(value[^1])
          || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, at most 63 characters"
            : null;
}
