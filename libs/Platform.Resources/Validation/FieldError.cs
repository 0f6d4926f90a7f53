namespace Platform.Resources.Validation;

/// <summary>One problem with a resource: the field's path and the reason, printed as <c>path: message</c>.</summary>
/// <param name="Path">Field path, e.g. <c>spec.traffic[1].percent</c> or <c>metadata.annotations[autoscaling.knative.dev/min-scale]</c>.</param>
/// <param name="Message">Why the value is refused, e.g. <c>must be between 0 and 100</c>.</param>
public sealed record FieldError(string Path, string Message)
{
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
