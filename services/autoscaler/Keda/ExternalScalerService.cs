using Externalscaler;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Platform.Autoscaler.PodAutoscalers;
using Platform.Autoscaler.Scaling;
using Platform.Serving.Contracts.Revisions;

namespace Platform.Autoscaler.Keda;

/// <summary>
/// KEDA's <c>externalscaler.ExternalScaler</c>, answered from the revision's PodAutoscaler as the control plane
/// holds it (<see cref="PodAutoscalerBoard"/>): the KPA decides once, writes <c>status.desiredScale</c>, and KEDA reports
/// that same decision, so any autoscaler replica answers alike. A ScaledObject names the revision with
/// <c>scalerMetadata</c> keys <c>revision</c> and <c>namespace</c> (falling back to the ScaledObject's namespace).
/// <para>
/// GetMetricSpec asks for an AverageValue of 1 on the metric <see cref="MetricName"/>, and GetMetrics reports the
/// desired scale, so the HPA's rule <c>ceil(value ÷ target)</c> lands on the decider's count, panic mode, scale rates,
/// min/max and scale-down delay included (within the HPA's own 10 % tolerance). 0 ↔ 1 goes through IsActive /
/// StreamIsActive: active when the desired scale is above zero or a request was held at zero within the
/// scale-to-zero grace period (the poke wakes StreamIsActive before the decision is even written). A revision whose
/// autoscaler has not decided yet answers Unavailable, so that KEDA keeps the scale it has.
/// </para>
/// </summary>
internal sealed partial class ExternalScalerService(
    PodAutoscalerBoard board,
    TimeProvider time,
    IOptions<KedaOptions> options,
    IOptions<AutoscalerDefaults> defaults,
    ILogger<ExternalScalerService> logger) : ExternalScaler.ExternalScalerBase
{
    /// <summary>scalerMetadata key naming the revision.</summary>
    public const string RevisionKeyName = "revision";

    /// <summary>scalerMetadata key naming the namespace.</summary>
    public const string NamespaceKeyName = "namespace";

    /// <summary>The one metric reported: the PodAutoscaler's desired scale.</summary>
    public const string MetricName = "desired-scale";

    public override Task<IsActiveResponse> IsActive(ScaledObjectRef request, ServerCallContext context)
    {
        var key = KeyOf(request);
        Find(key);
        return Task.FromResult(new IsActiveResponse { Result = Active(key) });
    }

    public override async Task StreamIsActive(ScaledObjectRef request, IServerStreamWriter<IsActiveResponse> responseStream, ServerCallContext context)
    {
        var key = KeyOf(request);
        Find(key);
        var ct = context.CancellationToken;
        var interval = options.Value.StreamResendInterval;
        while (!ct.IsCancellationRequested)
        {
            // Take the signal before reading the state, so that a change in between is not missed.
            var changed = board.NextChange(key);
            if (board.Get(key) is null) throw NotFound(key);
            await responseStream.WriteAsync(new IsActiveResponse { Result = Active(key) }, ct);
            try { await changed.WaitAsync(interval, time, ct); }
            catch (TimeoutException) { }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
        }
    }

    public override Task<GetMetricSpecResponse> GetMetricSpec(ScaledObjectRef request, ServerCallContext context)
    {
        Find(KeyOf(request));
        var spec = new MetricSpec { MetricName = MetricName, TargetSizeFloat = 1 };
#pragma warning disable CS0612 // KEDA reads the deprecated integer only when the float is 0; fill both.
        spec.TargetSize = 1;
#pragma warning restore CS0612
        return Task.FromResult(new GetMetricSpecResponse { MetricSpecs = { spec } });
    }

    public override Task<GetMetricsResponse> GetMetrics(GetMetricsRequest request, ServerCallContext context)
    {
        var key = KeyOf(request.ScaledObjectRef ?? throw Invalid("scaledObjectRef"));
        var desired = PodAutoscalerBoard.DesiredScale(Find(key))
            ?? throw new RpcException(new Status(StatusCode.Unavailable, $"revision {key}: its autoscaler has not decided a scale yet"));
        var value = new MetricValue
        {
            MetricName = string.IsNullOrEmpty(request.MetricName) ? MetricName : request.MetricName,
            MetricValueFloat = desired,
        };
#pragma warning disable CS0612
        value.MetricValue_ = desired;
#pragma warning restore CS0612
        return Task.FromResult(new GetMetricsResponse { MetricValues = { value } });
    }

    // Active: a desired scale above zero, or a request held at zero within the grace period, seen by this replica
    // (its poke) or by any (the PodAutoscaler's Active=Unknown/Queued condition, which survives restarts).
    private bool Active(RevisionKey key)
    {
        var pa = board.Get(key);
        var now = time.GetUtcNow();
        var grace = defaults.Value.ScaleToZeroGracePeriod;
        return PodAutoscalerBoard.DesiredScale(pa) > 0
            || (board.LastPokeAt(key) is { } poke && now - poke < grace)
            || (PodAutoscalerStatusPatch.QueuedAt(pa) is { } queued && now - queued < grace);
    }

    private System.Text.Json.Nodes.JsonObject Find(RevisionKey key)
    {
        if (board.Get(key) is { } pa) return pa;
        LogUnknown(logger, key);
        throw NotFound(key);
    }

    private static RevisionKey KeyOf(ScaledObjectRef request)
    {
        if (!request.ScalerMetadata.TryGetValue(RevisionKeyName, out var revision) || string.IsNullOrWhiteSpace(revision))
            throw Invalid($"scalerMetadata.{RevisionKeyName}");
        var ns = request.ScalerMetadata.TryGetValue(NamespaceKeyName, out var n) && !string.IsNullOrWhiteSpace(n) ? n : request.Namespace;
        if (string.IsNullOrWhiteSpace(ns)) throw Invalid($"scalerMetadata.{NamespaceKeyName}");
        return new RevisionKey(ns.Trim(), revision.Trim());
    }

    private static RpcException Invalid(string field) =>
        new(new Status(StatusCode.InvalidArgument, $"{field} is required (the ScaledObject's trigger metadata names the revision)"));

    private static RpcException NotFound(RevisionKey key) =>
        new(new Status(StatusCode.NotFound, $"revision {key} has no PodAutoscaler"));

    [LoggerMessage(EventId = LogEvents.KedaUnknownRevision, Level = LogLevel.Warning, Message = "KEDA asked about revision {Revision}, which has no PodAutoscaler")]
    private static partial void LogUnknown(ILogger logger, RevisionKey revision);
}
