using System.Collections.Concurrent;
using Platform.ServiceDefaults;
using Platform.Serving.Contracts.Stats;

namespace Platform.Activator.Stats;

/// <summary>Where the per-interval stats go (the autoscaler, through Dapr service invocation).</summary>
internal interface IRevisionStatsSink
{
    /// <summary>Delivers one batch; called once per interval when any revision has something to report.</summary>
    Task ReportAsync(StatsBatch batch, CancellationToken cancellationToken);
}

/// <summary>
/// Sends each batch to the autoscaler's stats intake through Dapr service invocation:
/// <c>POST /v1.0/invoke/{autoscalerAppId}/method/stats</c> with a JSON array of
/// <c>{namespace, revision, time, averageConcurrency, requestCount}</c> (the autoscaler's <c>RevisionSample</c>).
/// Invocation rather than pub/sub because a late stat is worth no more than a missing one, and the autoscaler's
/// poke path is the same channel (see services/autoscaler/README.md).
/// </summary>
internal sealed class DaprStatsSink(ActivatorOptions options) : IRevisionStatsSink, IDisposable
{
    private readonly HttpClient _client = DaprInvocation.CreateHttpClient(options.AutoscalerAppId);

    /// <inheritdoc />
    public async Task ReportAsync(StatsBatch batch, CancellationToken cancellationToken)
    {
        var stats = batch.Revisions.Select(r => new RevisionStat(r.Namespace, r.Revision, batch.Timestamp, r.AverageConcurrency, r.RequestCount));
        using var response = await _client.PostAsJsonAsync(AutoscalerApi.Stats, stats, IntakeJson, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    private static readonly System.Text.Json.JsonSerializerOptions IntakeJson = new(System.Text.Json.JsonSerializerDefaults.Web);

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();
}

/// <summary>Keeps the batches in memory; for tests.</summary>
internal sealed class InMemoryStatsSink : IRevisionStatsSink
{
    private readonly ConcurrentQueue<StatsBatch> _batches = new();

    /// <summary>Batches received so far, oldest first.</summary>
    public IReadOnlyCollection<StatsBatch> Batches => _batches;

    /// <inheritdoc />
    public Task ReportAsync(StatsBatch batch, CancellationToken cancellationToken)
    {
        _batches.Enqueue(batch);
        return Task.CompletedTask;
    }
}
