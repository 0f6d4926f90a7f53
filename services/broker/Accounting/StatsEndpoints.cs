using Platform.Broker.Routing;

namespace Platform.Broker.Accounting;

/// <summary>
/// <c>GET /stats</c>: the loss accounting of every Trigger and Subscription this broker process serves
/// (<see cref="DeliveryStats"/>), and <c>GET /stats/triggers/{ns}/{name}</c> (or <c>subscriptions</c>) for one:
/// zeros for one that is routed but has had no event yet, 404 for one the broker does not route. Read-only, like
/// <c>/counters</c>; <c>platform trigger describe</c> reads it.
/// </summary>
internal static class StatsEndpoints
{
    /// <summary>Maps the endpoints.</summary>
    public static WebApplication MapStats(this WebApplication app)
    {
        app.MapGet("/stats", (DeliveryLedger ledger) =>
        {
            var all = ledger.Snapshot();
            return Results.Json(new
            {
                since = ledger.Since,
                triggers = all.Where(s => s.Kind == "Trigger"),
                subscriptions = all.Where(s => s.Kind == "Subscription"),
            });
        });
        app.MapGet("/stats/{plural}/{ns}/{name}", (string plural, string ns, string name, DeliveryLedger ledger, Routes routes) =>
        {
            var kind = plural switch { "triggers" => "Trigger", "subscriptions" => "Subscription", _ => null };
            if (kind is null) return Results.Problem(statusCode: 404, detail: $"'{plural}' is not triggers or subscriptions");
            var key = new DeliveryKey(kind, ns, name);
            var routed = routes.Current.Subscribers.Values.Any(r => r.Key == key);
            var known = ledger.Snapshot().FirstOrDefault(s => s.Kind == kind && s.Namespace == ns && s.Name == name);
            if (known is null && !routed) return Results.Problem(statusCode: 404, detail: $"{kind} {ns}/{name} is not routed by this broker (not Ready, or unknown)");
            return Results.Json(new { since = ledger.Since, stats = known ?? ledger.For(key).Snapshot(key) });
        });
        return app;
    }
}
