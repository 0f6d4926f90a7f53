using Platform.Cli.Commands.Resources;
using Platform.Resources.Core;
using Platform.Resources.Sources;

namespace Platform.Cli.Commands.Source;

/// <summary>
/// kn's <c>--subject</c> syntax: <c>KIND:APIVERSION:NAME</c>, or <c>KIND:APIVERSION:KEY=VALUE[,KEY=VALUE...]</c> for
/// every object of the kind with those labels; and <c>ksvc:NAME</c> for a Knative Service. Pure.
/// </summary>
internal static class Subjects
{
    /// <summary>The subject <paramref name="text"/> names; a <see cref="UsageException"/> naming <paramref name="flag"/> otherwise.</summary>
    public static BindingReference Parse(string flag, string text)
    {
        var value = text.Trim();
        if (value.StartsWith("ksvc:", StringComparison.OrdinalIgnoreCase) && value.Split(':').Length == 2)
            value = $"Service:serving.knative.dev/v1:{value["ksvc:".Length..]}";
        var parts = value.Split(':', 3);
        if (parts.Length != 3 || parts.Any(p => p.Length == 0))
            throw new UsageException($"{flag} \"{text}\": expected KIND:APIVERSION:NAME or KIND:APIVERSION:KEY=VALUE[,KEY=VALUE] (e.g. Deployment:apps/v1:web, or ksvc:NAME)");
        var (kind, apiVersion, target) = (parts[0], parts[1], parts[2]);
        if (!target.Contains('=', StringComparison.Ordinal)) return new BindingReference { Kind = kind, ApiVersion = apiVersion, Name = target };
        var labels = KeyValues.Parse(flag, target.Split(','), allowRemove: false);
        return new BindingReference
        {
            Kind = kind,
            ApiVersion = apiVersion,
            Selector = new LabelSelector { MatchLabels = labels.Set.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal) },
        };
    }
}
