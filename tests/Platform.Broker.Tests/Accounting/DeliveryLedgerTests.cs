using Platform.Broker.Accounting;

namespace Platform.Broker.Tests.Accounting;

public class DeliveryLedgerTests
{
    private static readonly DeliveryKey Orders = new("Trigger", "default", "orders");

    [Theory]
    // accepted, delivered, dead-lettered, dropped, retries → outstanding
    [InlineData(10, 10, 0, 0, 0, 0)]
    [InlineData(10, 7, 1, 1, 5, 1)]
    [InlineData(3, 5, 0, 0, 0, -2)] // redelivered from a previous process: settled without being accepted here
    public void Outstanding_is_accepted_minus_settled(int accepted, int delivered, int deadLettered, int dropped, int retries, long outstanding)
    {
        var ledger = new DeliveryLedger(TimeProvider.System);
        var counters = ledger.For(Orders);
        for (var i = 0; i < accepted; i++) counters.Accepted();
        for (var i = 0; i < delivered; i++) counters.Delivered();
        for (var i = 0; i < deadLettered; i++) counters.DeadLettered();
        for (var i = 0; i < dropped; i++) counters.Dropped();
        counters.Retried(retries);
        var stats = Assert.Single(ledger.Snapshot());
        Assert.Equal(outstanding, stats.Outstanding);
        Assert.Equal(retries, stats.Retried);
        Assert.Equal(("Trigger", "default", "orders"), (stats.Kind, stats.Namespace, stats.Name));
    }

    [Fact]
    public void A_deleted_trigger_is_forgotten_once_nothing_of_it_is_in_flight()
    {
        var ledger = new DeliveryLedger(TimeProvider.System);
        var counters = ledger.For(Orders);
        counters.Started();
        ledger.Retain(new HashSet<DeliveryKey>());
        Assert.Single(ledger.Snapshot()); // still delivering: kept
        counters.Finished();
        ledger.Retain(new HashSet<DeliveryKey>());
        Assert.Empty(ledger.Snapshot());
    }
}
