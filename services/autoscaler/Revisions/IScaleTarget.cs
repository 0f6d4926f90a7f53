using Platform.Autoscaler.Scaling;
using Platform.Serving.Contracts.Revisions;

namespace Platform.Autoscaler.Revisions;

/// <summary>
/// Where scale decisions go: the revision's PodAutoscaler in the control plane (<c>PodAutoscalerScaleTarget</c>).
/// Called once per change of a revision's desired scale, and again after a failure until it succeeds.
/// </summary>
// Public: a parameter of the actor's constructor, which Dapr's activator needs public.
public interface IScaleTarget
{
    /// <summary>Makes <paramref name="revision"/> run <see cref="ScaleResult.DesiredScale"/> pods of <paramref name="decision"/>.</summary>
    Task ApplyAsync(RevisionKey revision, ScaleResult decision, CancellationToken cancellationToken);
}
