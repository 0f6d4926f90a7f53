namespace Platform.Sources.Status;

/// <summary>One kind's reconcile pass, run by <see cref="SourcesController"/> on every change.</summary>
internal interface ISourceReconciler
{
    /// <summary>Brings every object of the kind to its wanted state and writes the statuses that changed.</summary>
    Task ReconcileAsync(CancellationToken cancellationToken);
}
