using Platform.Serving.Contracts.Revisions;
using Externalscaler;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Autoscaler.Revisions;
using Platform.Autoscaler.Scaling;

namespace Platform.Autoscaler.Keda;

/// <summary>
/// KEDA's <c>externalscaler.ExternalScaler</c>, answered from the <see cref="RevisionScalingRegistry"/>. A
/// ScaledObject names the revision with <c>scalerMetadata</c> keys <c>revision</c> and <c>namespace</c> (falling back
/// to the ScaledObject's namespace).
/// <para>
/// Outside panic, KEDA/HPA reach the decider's count: GetMetricSpec's target is the per-pod target
/// (total × utilisation) and GetMetrics reports the revision-wide stable-window average, so the HPA's
/// AverageValue rule <c>ceil(total ÷ target)</c> equals the decider's <c>ceil(stable ÷ target)</c>. What differs:
/// the HPA knows no panic mode (no panic window, no "never scale down while panicking"), applies its own 10 %
/// tolerance and its own scale-up/down behaviour instead of max-scale-up/down rates, scale-down-delay and
/// activation-scale, and scales 0↔1 only through IsActive / StreamIsActive and KEDA's cooldownPeriod (set it near
/// the stable window + grace, ~90 s) rather than the grace period. With no data in the stable window GetMetrics
/// reports current scale × target, so that the HPA holds the revision where it is (no data, no decision).
/// </para>
/// </summary>
internal sealed partial class ExternalScalerService(
    RevisionScalingRegistry registry,
    TimeProvider time,
    IOptions<KedaOptions> options,
    ILogger<ExternalScalerService> logger) : ExternalScaler.ExternalScalerBase
{
    /// <summary>scalerMetadata key naming the revision.</summary>
    public const string RevisionKeyName = "revision";

    /// <summary>scalerMetadata key naming the namespace.</summary>
    public const string NamespaceKeyName = "namespace";

    public override Task<IsActiveResponse> IsActive(ScaledObjectRef request, ServerCallContext context)
    {
        var status = Find(request);
        return Task.FromResult(new IsActiveResponse { Result = status.IsActive(time.GetUtcNow()) });
    }

    public override async Task StreamIsActive(ScaledObjectRef request, IServerStreamWriter<IsActiveResponse> responseStream, ServerCallContext context)
    {
        var key = KeyOf(request);
        Find(key);
        var ct = context.CancellationToken;
        var interval = options.Value.StreamResendInterval;
        while (!ct.IsCancellationRequested)
        {
            // Take the signal before reading the state, so that a poke in between is not missed.
            var changed = registry.NextChange(key);
            if (!registry.TryGet(key, out var status)) throw NotFound(key);
            await responseStream.WriteAsync(new IsActiveResponse { Result = status.IsActive(time.GetUtcNow()) }, ct);
            try { await changed.WaitAsync(interval, time, ct); }
            catch (TimeoutException) { }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
        }
    }

    public override Task<GetMetricSpecResponse> GetMetricSpec(ScaledObjectRef request, ServerCallContext context)
    {
        var status = Find(request);
        var spec = new MetricSpec { MetricName = status.Metric.ToName(), TargetSizeFloat = status.TargetValue };
#pragma warning disable CS0612 // KEDA reads the deprecated integer only when the float is 0; fill both.
        spec.TargetSize = (long)Math.Ceiling(status.TargetValue);
#pragma warning restore CS0612
        return Task.FromResult(new GetMetricSpecResponse { MetricSpecs = { spec } });
    }

    public override Task<GetMetricsResponse> GetMetrics(GetMetricsRequest request, ServerCallContext context)
    {
        var status = Find(request.ScaledObjectRef ?? throw Invalid("scaledObjectRef"));
        // No data is no decision: report what keeps the HPA where it is (scale × target), never a zero that would
        // let it scale a possibly busy revision down.
        var total = status.HasData ? status.StableAverage : status.DesiredScale * status.TargetValue;
        var value = new MetricValue
        {
            MetricName = string.IsNullOrEmpty(request.MetricName) ? status.Metric.ToName() : request.MetricName,
            MetricValueFloat = total,
        };
#pragma warning disable CS0612
        value.MetricValue_ = (long)Math.Ceiling(total);
#pragma warning restore CS0612
        return Task.FromResult(new GetMetricsResponse { MetricValues = { value } });
    }

    private RevisionScaleStatus Find(ScaledObjectRef request) => Find(KeyOf(request));

    private RevisionScaleStatus Find(RevisionKey key)
    {
        if (registry.TryGet(key, out var status)) return status;
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
        new(new Status(StatusCode.NotFound, $"revision {key} is not known to the autoscaler"));

    [LoggerMessage(EventId = LogEvents.KedaUnknownRevision, Level = LogLevel.Warning, Message = "KEDA asked about unknown revision {Revision}")]
    private static partial void LogUnknown(ILogger logger, RevisionKey revision);
}
