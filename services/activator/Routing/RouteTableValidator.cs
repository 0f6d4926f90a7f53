using System.Globalization;
using Platform.Serving.Contracts.Routing;

namespace Platform.Activator.Routing;

/// <summary>
/// Checks a <see cref="RouteTable"/> before it replaces the current one and reports every error at once with its
/// field path (<c>services[0].traffic[1].percent: must be 0..100</c>), so a bad table is never half-applied.
/// </summary>
internal static class RouteTableValidator
{
    /// <summary>Knative's upper bound for <c>containerConcurrency</c>.</summary>
    public const int MaxContainerConcurrency = 1000;

    /// <summary>Knative's upper bound for <c>timeoutSeconds</c>.</summary>
    public const int MaxTimeoutSeconds = 600;

    /// <summary>Every problem in <paramref name="table"/>; empty when it can be applied.</summary>
    public static IReadOnlyList<string> Validate(RouteTable? table)
    {
        var errors = new List<string>();
        if (table is null)
        {
            errors.Add("body: required");
            return errors;
        }

        var revisions = new HashSet<string>(StringComparer.Ordinal);
        var revisionList = table.Revisions ?? [];
        for (var i = 0; i < revisionList.Count; i++)
        {
            var path = $"revisions[{i}]";
            var r = revisionList[i];
            if (r is null) { errors.Add($"{path}: must not be null"); continue; }
            CheckLabel(errors, $"{path}.namespace", r.Namespace);
            CheckLabel(errors, $"{path}.name", r.Name);
            if (r.ContainerConcurrency is < 0 or > MaxContainerConcurrency)
                errors.Add($"{path}.containerConcurrency: must be 0..{MaxContainerConcurrency}, got {r.ContainerConcurrency}");
            CheckTimeout(errors, $"{path}.timeoutSeconds", r.TimeoutSeconds);
            CheckTimeout(errors, $"{path}.responseStartTimeoutSeconds", r.ResponseStartTimeoutSeconds);
            CheckTimeout(errors, $"{path}.idleTimeoutSeconds", r.IdleTimeoutSeconds);
            CheckEndpoints(errors, $"{path}.endpoints", r.Endpoints);
            CheckFailure(errors, $"{path}.failure", r.Failure);
            CheckMode(errors, $"{path}.mode", r.Mode);
            if (r.Namespace is not null && r.Name is not null && !revisions.Add($"{r.Namespace}/{r.Name}"))
                errors.Add($"{path}: duplicate revision {r.Namespace}/{r.Name}");
        }

        var services = new HashSet<string>(StringComparer.Ordinal);
        var serviceList = table.Services ?? [];
        for (var i = 0; i < serviceList.Count; i++)
        {
            var path = $"services[{i}]";
            var s = serviceList[i];
            if (s is null) { errors.Add($"{path}: must not be null"); continue; }
            CheckLabel(errors, $"{path}.namespace", s.Namespace);
            CheckLabel(errors, $"{path}.name", s.Name);
            if (s.Namespace is not null && s.Name is not null && !services.Add($"{s.Namespace}/{s.Name}"))
                errors.Add($"{path}: duplicate service {s.Namespace}/{s.Name}");
            if (!string.IsNullOrEmpty(s.Visibility) && s.Visibility != ServiceVisibility.ClusterLocalLabel)
                errors.Add($"{path}.visibility: must be \"{ServiceVisibility.ClusterLocalLabel}\" or empty, got \"{s.Visibility}\"");
            CheckTraffic(errors, path, s, revisions);
        }

        var hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var domainList = table.Domains ?? [];
        for (var i = 0; i < domainList.Count; i++)
        {
            var path = $"domains[{i}]";
            var d = domainList[i];
            if (d is null) { errors.Add($"{path}: must not be null"); continue; }
            if (string.IsNullOrEmpty(d.Host) || !d.Host.Split('.').All(IsDnsLabel) || d.Host.Length > 253)
                errors.Add($"{path}.host: must be a DNS name (labels a-z, 0-9, '-'), got \"{d.Host}\"");
            else if (!hosts.Add(d.Host))
                errors.Add($"{path}.host: duplicate host \"{d.Host}\"");
            CheckLabel(errors, $"{path}.namespace", d.Namespace);
            if (string.IsNullOrEmpty(d.Service) == string.IsNullOrEmpty(d.Url))
                errors.Add($"{path}: set exactly one of service and url");
            else if (d.Service is { Length: > 0 } service && !services.Contains($"{d.Namespace}/{service}"))
                errors.Add($"{path}.service: service {d.Namespace}/{service} is not in services[]");
            else if (d.Url is { Length: > 0 } url && !(Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"))
                errors.Add($"{path}.url: must be an absolute http or https URL, got \"{url}\"");
        }
        return errors;
    }

    /// <summary>Checks the body of an endpoints update; empty when it can be applied.</summary>
    public static IReadOnlyList<string> Validate(EndpointsUpdate? update)
    {
        var errors = new List<string>();
        if (update is null) errors.Add("body: required");
        else if (update.Endpoints is null) errors.Add("endpoints: required (an empty list means no ready replica)");
        else CheckEndpoints(errors, "endpoints", update.Endpoints);
        if (update is not null) CheckFailure(errors, "failure", update.Failure);
        if (update is not null) CheckMode(errors, "mode", update.Mode);
        return errors;
    }

    /// <summary>Longest <see cref="RevisionRoute.Failure"/> text accepted.</summary>
    public const int MaxFailureLength = 2048;

    private static void CheckMode(List<string> errors, string path, string? mode)
    {
        if (mode is not (null or ActivatorModes.Proxy or ActivatorModes.Serve))
            errors.Add($"{path}: must be \"{ActivatorModes.Proxy}\", \"{ActivatorModes.Serve}\" or absent, got \"{mode}\"");
    }

    private static void CheckFailure(List<string> errors, string path, string? failure)
    {
        if (failure is { Length: > MaxFailureLength })
            errors.Add($"{path}: at most {MaxFailureLength} characters, got {failure.Length}");
    }

    private static void CheckTraffic(List<string> errors, string path, ServiceRoute s, HashSet<string> revisions)
    {
        var traffic = s.Traffic;
        if (traffic is null || traffic.Count == 0)
        {
            errors.Add($"{path}.traffic: must name at least one target");
            return;
        }
        var sum = 0;
        var tags = new HashSet<string>(StringComparer.Ordinal);
        for (var j = 0; j < traffic.Count; j++)
        {
            var tpath = $"{path}.traffic[{j}]";
            var t = traffic[j];
            if (t is null) { errors.Add($"{tpath}: must not be null"); continue; }
            if (string.IsNullOrEmpty(t.RevisionName))
                errors.Add($"{tpath}.revisionName: required");
            else if (s.Namespace is not null && !revisions.Contains($"{s.Namespace}/{t.RevisionName}"))
                errors.Add($"{tpath}.revisionName: revision {s.Namespace}/{t.RevisionName} is not in revisions[]");
            if (t.Percent is < 0 or > 100)
                errors.Add($"{tpath}.percent: must be 0..100, got {t.Percent}");
            else
                sum += t.Percent;
            if (t.Tag is not null)
            {
                CheckLabel(errors, $"{tpath}.tag", t.Tag);
                if (!tags.Add(t.Tag)) errors.Add($"{tpath}.tag: duplicate tag \"{t.Tag}\"");
            }
        }
        if (sum != 100) errors.Add($"{path}.traffic: percents must sum to 100, got {sum}");
    }

    private static void CheckTimeout(List<string> errors, string path, int? seconds)
    {
        if (seconds is { } t && (t < 1 || t > MaxTimeoutSeconds))
            errors.Add($"{path}: must be 1..{MaxTimeoutSeconds}, got {t}");
    }

    private static void CheckEndpoints(List<string> errors, string path, IReadOnlyList<string>? endpoints)
    {
        if (endpoints is null) return;
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var k = 0; k < endpoints.Count; k++)
        {
            if (!ReplicaEndpoint.TryParse(endpoints[k], out _))
                errors.Add($"{path}[{k}]: must be host:port with port 1..65535, got \"{endpoints[k]}\"");
            else if (!seen.Add(endpoints[k]))
                errors.Add($"{path}[{k}]: duplicate endpoint \"{endpoints[k]}\"");
        }
    }

    private static void CheckLabel(List<string> errors, string path, string? value)
    {
        if (string.IsNullOrEmpty(value)) errors.Add($"{path}: required");
        else if (!IsDnsLabel(value)) errors.Add($"{path}: must be a DNS label (a-z, 0-9, '-', at most 63), got \"{value}\"");
    }

    /// <summary>RFC 1123 label: lower-case letters, digits and '-', not starting or ending with '-', 1..63 long.</summary>
    public static bool IsDnsLabel(string value)
    {
        if (value.Length is 0 or > 63 || value[0] == '-' || value[^1] == '-') return false;
        foreach (var c in value)
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')) return false;
        return true;
    }
}

/// <summary>The <c>networking.knative.dev/visibility</c> values the activator knows.</summary>
internal static class ServiceVisibility
{
    /// <summary>Label key, as in Knative.</summary>
    public const string LabelKey = "networking.knative.dev/visibility";

    /// <summary>The value that keeps a service off public hosts.</summary>
    public const string ClusterLocalLabel = "cluster-local";
}

/// <summary>A replica address <c>host:port</c> and the URL prefix YARP forwards to.</summary>
internal static class ReplicaEndpoint
{
    /// <summary>Parses <c>host:port</c> or <c>[ipv6]:port</c>; returns the <c>http://</c> destination prefix.</summary>
    public static bool TryParse(string? endpoint, out string destinationPrefix)
    {
        destinationPrefix = "";
        if (string.IsNullOrWhiteSpace(endpoint)) return false;
        var colon = endpoint.LastIndexOf(':');
        if (colon <= 0 || colon == endpoint.Length - 1) return false;
        var host = endpoint[..colon];
        if (!int.TryParse(endpoint.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > 65535) return false;
        if (host.StartsWith('[') != host.EndsWith(']')) return false;
        if (!host.StartsWith('[') && host.Contains(':')) return false; // bare IPv6 needs brackets
        if (Uri.CheckHostName(host.Trim('[', ']')) == UriHostNameType.Unknown) return false;
        destinationPrefix = $"http://{endpoint}";
        return true;
    }
}
