namespace Platform.Resources.Serving;

/// <summary>Knative's revision naming: <c>{configuration}-{generation:00000}</c> (<c>hello-00001</c>).</summary>
public static class RevisionNames
{
    /// <summary>The name of the revision stamped from <paramref name="configuration"/> at <paramref name="generation"/>.</summary>
    public static string For(string configuration, long generation) =>
        $"{configuration}-{generation.ToString("D5", System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>
    /// The revision name a template asks for: its <c>metadata.name</c> when the user chose one, else the generated name.
    /// </summary>
    public static string For(string configuration, long generation, RevisionTemplateSpec? template) =>
        string.IsNullOrEmpty(template?.Metadata?.Name) ? For(configuration, generation) : template.Metadata.Name;
}
