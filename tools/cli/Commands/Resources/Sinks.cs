using Platform.Resources.Duck;

namespace Platform.Cli.Commands.Resources;

/// <summary>
/// kn's sink syntax: <c>ksvc:NAME[:NAMESPACE]</c>, <c>broker:NAME</c>, <c>channel:NAME</c>, <c>imc:NAME</c>,
/// <c>svc:NAME</c> (a Kubernetes Service), an <c>http(s)://</c> URL, or a bare NAME meaning a Knative Service.
/// </summary>
internal static class Sinks
{
    /// <summary>The destination <paramref name="text"/> names; a <see cref="UsageException"/> naming <paramref name="flag"/> otherwise.</summary>
    public static Destination Parse(string flag, string text)
    {
        var value = text.Trim();
        if (value.Length == 0) throw new UsageException($"{flag}: the sink is empty");
        if (value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
                throw new UsageException($"{flag} \"{text}\": not a valid URL");
            return new Destination { Uri = value };
        }

        var parts = value.Split(':');
        var (prefix, name, ns) = parts switch
        {
            [var n] => ("ksvc", n, (string?)null),
            [var p, var n] => (p, n, null),
            [var p, var n, var s] => (p, n, s),
            _ => throw new UsageException($"{flag} \"{text}\": expected PREFIX:NAME[:NAMESPACE] or a URL"),
        };
        if (name.Length == 0) throw new UsageException($"{flag} \"{text}\": the name is empty");
        var (apiVersion, kind) = prefix.ToLowerInvariant() switch
        {
            "ksvc" => ("serving.knative.dev/v1", "Service"),
            "broker" => ("eventing.knative.dev/v1", "Broker"),
            "channel" => ("messaging.knative.dev/v1", "Channel"),
            "imc" => ("messaging.knative.dev/v1", "InMemoryChannel"),
            "svc" or "service" => ("v1", "Service"),
            _ => throw new UsageException($"{flag} \"{text}\": unknown sink prefix \"{prefix}\"; use ksvc:, broker:, channel:, imc:, svc: or an http(s):// URL"),
        };
        return new Destination { Ref = new KReference { ApiVersion = apiVersion, Kind = kind, Name = name, Namespace = string.IsNullOrEmpty(ns) ? null : ns } };
    }

    /// <summary>Like <see cref="Parse"/>, null when <paramref name="text"/> is null.</summary>
    public static Destination? ParseOptional(string flag, string? text) => text is null ? null : Parse(flag, text);
}
