namespace Platform.Resources.Validation;

/// <summary>
/// One problem with a resource: the field's path and the reason, printed as <c>path: message</c>. The one field
/// error of Platform: validation, admission and the API's <c>Status.details.causes</c> all use it.
/// </summary>
/// <param name="Path">Field path, e.g. <c>spec.traffic[1].percent</c> or <c>metadata.annotations[autoscaling.knative.dev/min-scale]</c>.</param>
/// <param name="Message">Why the value is refused, e.g. <c>must be between 0 and 100</c>.</param>
/// <param name="Reason">Kubernetes cause type: <see cref="Invalid"/> (default), <see cref="Required"/>, <see cref="Unknown"/>.</param>
public sealed record FieldError(string Path, string Message, string Reason = FieldError.Invalid)
{
    /// <summary>Cause type of a value that breaks a rule.</summary>
    public const string Invalid = "FieldValueInvalid";

    /// <summary>Cause type of a missing value.</summary>
    public const string Required = "FieldValueRequired";

    /// <summary>Cause type of a field that is not part of the schema.</summary>
    public const string Unknown = "FieldValueNotSupported";

    /// <inheritdoc />
    public override string ToString() => Path.Length == 0 ? Message : $"{Path}: {Message}";
}

/// <summary>Builds field paths the way Kubernetes prints them.</summary>
public static class FieldPath
{
    /// <summary><c>parent.child</c>, or <c>child</c> at the root.</summary>
    public static string Child(string parent, string child) => parent.Length == 0 ? child : $"{parent}.{child}";

    /// <summary><c>parent[index]</c>.</summary>
    public static string Index(string parent, int index) => $"{parent}[{index}]";

    /// <summary><c>parent[key]</c> for map entries.</summary>
    public static string Key(string parent, string key) => $"{parent}[{key}]";
}
