namespace Platform.ServingController.Supervisor.Hpa;

/// <summary>Settings of the <c>Serving:Hpa</c> section: the local HPA's rhythm, as kube-controller-manager's HPA flags.</summary>
internal sealed record HpaOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Serving:Hpa";

    /// <summary>How often usage is measured and a decision taken (default 15 s, <c>--horizontal-pod-autoscaler-sync-period</c>).</summary>
    public TimeSpan SyncPeriod { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a scale-down waits for the higher recommendations to age out (default 5 min, the HPA's default behavior).</summary>
    public TimeSpan ScaleDownStabilization { get; init; } = TimeSpan.FromMinutes(5);
}
