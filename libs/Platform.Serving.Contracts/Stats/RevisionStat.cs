using System.Text.Json.Serialization;
using Platform.Serving.Contracts.Revisions;

namespace Platform.Serving.Contracts.Stats;

/// <summary>
/// One second of one revision's traffic as a reporter (the activator) saw it. Reporters send one per revision per
/// second, zeros included, for every revision they route to: no stat for a whole stable window means "no data", and
/// the autoscaler then makes no decision rather than scale a possibly busy revision down. Stats from several
/// reporters in the same second add up.
/// </summary>
/// <param name="Namespace">The revision's namespace.</param>
/// <param name="Revision">The revision's name.</param>
/// <param name="Time">When the reporter measured it; stats older than the stable window are dropped (replays).</param>
/// <param name="AverageConcurrency">Average in-flight requests over the second.</param>
/// <param name="RequestCount">Requests that arrived in the second.</param>
/// <param name="AverageProxiedConcurrency">Part of <paramref name="AverageConcurrency"/> that another reporter also counts; subtracted (Knative's proxied stats).</param>
/// <param name="ProxiedRequestCount">Part of <paramref name="RequestCount"/> that another reporter also counts; subtracted.</param>
public sealed record RevisionStat(
    string Namespace,
    string Revision,
    DateTimeOffset Time,
    double AverageConcurrency,
    double RequestCount,
    double AverageProxiedConcurrency = 0,
    double ProxiedRequestCount = 0)
{
    /// <summary>The revision this stat is about.</summary>
    [JsonIgnore]
    public RevisionKey Key => new(Namespace, Revision);

    /// <summary>Concurrency to record: reported minus proxied.</summary>
    [JsonIgnore]
    public double RecordedConcurrency => AverageConcurrency - AverageProxiedConcurrency;

    /// <summary>Requests to record: reported minus proxied.</summary>
    [JsonIgnore]
    public double RecordedRequests => RequestCount - ProxiedRequestCount;

    /// <summary>Every invalid field, each with its path under <paramref name="path"/>; empty when valid.</summary>
    public IEnumerable<string> Validate(string path)
    {
        if (RevisionKey.Validate(Namespace, Revision) is { } keyError) yield return $"{path}: {keyError}";
        if (!double.IsFinite(AverageConcurrency) || AverageConcurrency < 0) yield return $"{path}.averageConcurrency: must be a finite number >= 0";
        if (!double.IsFinite(RequestCount) || RequestCount < 0) yield return $"{path}.requestCount: must be a finite number >= 0";
        if (!double.IsFinite(AverageProxiedConcurrency) || AverageProxiedConcurrency < 0 || AverageProxiedConcurrency > AverageConcurrency)
            yield return $"{path}.averageProxiedConcurrency: must be 0..averageConcurrency";
        if (!double.IsFinite(ProxiedRequestCount) || ProxiedRequestCount < 0 || ProxiedRequestCount > RequestCount)
            yield return $"{path}.proxiedRequestCount: must be 0..requestCount";
    }
}
