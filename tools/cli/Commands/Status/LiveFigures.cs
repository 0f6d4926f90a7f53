namespace Platform.Cli.Commands.Status;

/// <summary>A revision's live figures.</summary>
/// <param name="Namespace">Namespace.</param>
/// <param name="Revision">Revision name.</param>
/// <param name="Desired">Pods the autoscaler wants (<c>autoscaler_desired_pods</c>), or null.</param>
/// <param name="Actual">Ready pods (<c>autoscaler_actual_pods</c>), or null.</param>
/// <param name="Concurrency">Requests in flight or held at the activator now (<c>activator_request_concurrency</c>), or null.</param>
/// <param name="Rps">Requests per second through the activator between the two scrapes, or null.</param>
internal sealed record RevisionFigures(string Namespace, string Revision, int? Desired, int? Actual, double? Concurrency, double? Rps);

/// <summary>A trigger's (or subscription's) delivery counts since its broker process started.</summary>
/// <param name="Namespace">Namespace.</param>
/// <param name="Kind"><c>Trigger</c> or <c>Subscription</c>.</param>
/// <param name="Name">Its name.</param>
/// <param name="Delivered">Events its subscriber took.</param>
/// <param name="Retried">Attempts after the first.</param>
/// <param name="DeadLettered">Events sent to its dead-letter sink.</param>
/// <param name="Dropped">Events dropped after the last attempt (no dead-letter sink).</param>
internal sealed record DeliveryFigures(string Namespace, string Kind, string Name, long Delivered, long Retried, long DeadLettered, long Dropped);

/// <summary>Builds the per-revision and per-trigger figures of <c>platform status</c> from scrapes of the metrics ports. Pure.</summary>
internal static class LiveFigures
{
    /// <summary>
    /// One row per revision that the autoscaler or the activator reports. RPS is the growth of
    /// <c>activator_request_count</c> (every response code) between <paramref name="activatorBefore"/> and
    /// <paramref name="activatorAfter"/>, over <paramref name="seconds"/>.
    /// </summary>
    public static IReadOnlyList<RevisionFigures> Revisions(IReadOnlyList<MetricSample> autoscaler, IReadOnlyList<MetricSample> activatorBefore,
        IReadOnlyList<MetricSample> activatorAfter, double seconds)
    {
        static (string, string) Key(MetricSample s) => (s["namespace_name"], s["revision_name"]);
        var desired = Gauge(autoscaler, "autoscaler_desired_pods", Key);
        var actual = Gauge(autoscaler, "autoscaler_actual_pods", Key);
        var concurrency = Gauge(activatorAfter, "activator_request_concurrency", Key);
        var before = Sum(activatorBefore, "activator_request_count", Key);
        var after = Sum(activatorAfter, "activator_request_count", Key);
        var keys = desired.Keys.Concat(actual.Keys).Concat(concurrency.Keys).Concat(after.Keys)
            .Where(k => k.Item2.Length > 0).Distinct().Order();
        return keys.Select(k => new RevisionFigures(k.Item1, k.Item2,
            desired.TryGetValue(k, out var d) ? (int)d : null,
            actual.TryGetValue(k, out var a) ? (int)a : null,
            concurrency.TryGetValue(k, out var c) ? c : null,
            after.TryGetValue(k, out var n) && seconds > 0 ? Math.Max(0, n - before.GetValueOrDefault(k)) / seconds : null)).ToList();
    }

    /// <summary>One row per trigger or subscription the broker counted a delivery for.</summary>
    public static IReadOnlyList<DeliveryFigures> Deliveries(IReadOnlyList<MetricSample> broker)
    {
        static (string, string, string) Key(MetricSample s) =>
            (s["namespace_name"], s["kind"], s["kind"] == "Subscription" ? s["subscription_name"] : s["trigger_name"]);
        var outcomes = broker.Where(s => s.Name == "broker_delivery_outcomes").GroupBy(Key)
            .ToDictionary(g => g.Key, g => g.GroupBy(s => s["outcome"]).ToDictionary(o => o.Key, o => (long)o.Sum(s => s.Value)));
        var retries = Sum(broker, "broker_delivery_retries", Key);
        return outcomes.Keys.Concat(retries.Keys).Distinct().Order().Select(k =>
        {
            var o = outcomes.GetValueOrDefault(k) ?? [];
            return new DeliveryFigures(k.Item1, k.Item2, k.Item3, o.GetValueOrDefault("delivered"), (long)retries.GetValueOrDefault(k),
                o.GetValueOrDefault("dead_lettered"), o.GetValueOrDefault("dropped"));
        }).ToList();
    }

    private static Dictionary<TKey, double> Gauge<TKey>(IEnumerable<MetricSample> samples, string name, Func<MetricSample, TKey> key) where TKey : notnull =>
        samples.Where(s => s.Name == name).GroupBy(key).ToDictionary(g => g.Key, g => g.Last().Value);

    private static Dictionary<TKey, double> Sum<TKey>(IEnumerable<MetricSample> samples, string name, Func<MetricSample, TKey> key) where TKey : notnull =>
        samples.Where(s => s.Name == name).GroupBy(key).ToDictionary(g => g.Key, g => g.Sum(s => s.Value));
}
