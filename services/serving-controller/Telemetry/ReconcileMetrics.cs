using System.Diagnostics;
using System.Diagnostics.Metrics;
using Platform.ServiceDefaults.Telemetry;

namespace Platform.ServingController.Telemetry;

/// <summary>
/// Reconcile figures per kind, with Knative's controller names and labels: <c>controller_reconcile_count</c> and
/// <c>controller_reconcile_latency</c> (milliseconds) with <c>reconciler</c> (the kind), <c>success</c> and
/// <c>namespace_name</c>; and a span per reconcile when traces are recorded.
/// </summary>
internal static class ReconcileMetrics
{
    /// <summary>Name of the meter and of the activity source.</summary>
    public const string Name = "Platform.ServingController";

    private static readonly Meter Meter = new(Name);
    private static readonly ActivitySource Source = new(Name);
    private static readonly Counter<long> Count = Meter.CreateCounter<long>("controller_reconcile_count", description: "Reconciles per kind and outcome.");
    private static readonly Histogram<double> Latency = Meter.CreateHistogram<double>("controller_reconcile_latency", description: "Milliseconds per reconcile, per kind and outcome.");

    /// <summary>A span for reconciling <paramref name="key"/> of <paramref name="kind"/>, or null when nobody listens.</summary>
    public static Activity? Start(string kind, string key)
    {
        var span = Source.StartActivity("reconcile " + kind, ActivityKind.Internal);
        span?.SetTag("platform.resource", $"{kind} {key}");
        return span;
    }

    /// <summary>Records one reconcile.</summary>
    public static void Record(string kind, string ns, bool success, TimeSpan elapsed)
    {
        if (!Count.Enabled) return;
        var tags = new TagList { { "reconciler", kind }, { "success", success ? "true" : "false" }, { MetricTags.Namespace, ns } };
        Count.Add(1, tags);
        Latency.Record(elapsed.TotalMilliseconds, tags);
    }
}
