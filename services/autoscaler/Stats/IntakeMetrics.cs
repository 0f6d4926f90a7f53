using System.Diagnostics.Metrics;

namespace Platform.Autoscaler.Stats;

/// <summary>Counters of the stats intake (meter <c>Platform.Autoscaler</c>).</summary>
internal static class IntakeMetrics
{
    private static readonly Meter Meter = new("Platform.Autoscaler");

    /// <summary>Stats recorded.</summary>
    public static readonly Counter<long> Recorded = Meter.CreateCounter<long>("autoscaler.stats.recorded");

    /// <summary>Stats for revisions the autoscaler does not know: ignored.</summary>
    public static readonly Counter<long> UnknownRevision = Meter.CreateCounter<long>("autoscaler.stats.unknown_revision");

    /// <summary>Stats older than the stable window: ignored.</summary>
    public static readonly Counter<long> Stale = Meter.CreateCounter<long>("autoscaler.stats.stale");

    /// <summary>Pokes received.</summary>
    public static readonly Counter<long> Pokes = Meter.CreateCounter<long>("autoscaler.pokes");
}
