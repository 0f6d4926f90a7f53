namespace Platform.Fuzz;

/// <summary>The seeds of a target: its built-in ones and every file of its corpus folder.</summary>
internal static class Seeds
{
    public static IReadOnlyList<byte[]> For(FuzzTarget target, string corpusRoot)
    {
        var seeds = target.Seeds.Select(System.Text.Encoding.UTF8.GetBytes).ToList();
        if (target.SeedFolder is { } folder && Directory.Exists(Path.Combine(corpusRoot, folder)))
            seeds.AddRange(Directory.GetFiles(Path.Combine(corpusRoot, folder)).Order(StringComparer.Ordinal).Select(File.ReadAllBytes));
        return seeds;
    }
}
