using Platform.Serving.Contracts.Revisions;
using Microsoft.Extensions.Logging;
using Platform.Autoscaler.Scaling;

namespace Platform.Autoscaler.Revisions;

/// <summary>
/// Where scale decisions go: the workload backend (local processes, or nothing on Kubernetes where KEDA acts). Called
/// once per change of a revision's desired scale, and again after a failure until it succeeds.
/// </summary>
public interface IScaleTarget
{
    /// <summary>Makes <paramref name="revision"/> run <see cref="ScaleResult.DesiredScale"/> pods of <paramref name="decision"/>.</summary>
    Task ApplyAsync(RevisionKey revision, ScaleResult decision, CancellationToken cancellationToken);
}

/// <summary>The default target until the serving backend provides one: logs each decision.</summary>
internal sealed partial class LoggingScaleTarget(ILogger<LoggingScaleTarget> logger) : IScaleTarget
{
    public Task ApplyAsync(RevisionKey revision, ScaleResult decision, CancellationToken cancellationToken)
    {
        LogScale(logger, revision, decision.DesiredScale, decision.Reason, decision.InPanic, decision.ExcessBurstCapacity);
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = LogEvents.ScaleApplied, Level = LogLevel.Information,
        Message = "{Revision}: scale to {DesiredScale} ({Reason}, panic={InPanic}, excess burst capacity {ExcessBurstCapacity})")]
    private static partial void LogScale(ILogger logger, RevisionKey revision, int desiredScale, ScaleReason reason, bool inPanic, int excessBurstCapacity);
}
