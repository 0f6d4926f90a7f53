namespace Platform.Autoscaler;

/// <summary>Stable event ids of the autoscaler's log lines, in one place.</summary>
internal static class LogEvents
{
    public const int ScaleApplied = 5001;
    public const int ScaleApplyFailed = 5002;
    public const int RevisionConfigured = 5003;
    public const int HostModeChosen = 5007;
    public const int TickFailed = 5008;
    public const int TickSlow = 5009;
    public const int ActorRestored = 5010;
    public const int KedaUnknownRevision = 5011;
    public const int PodAutoscalerGone = 5012;
    public const int PodAutoscalerFailed = 5013;
    public const int PodAutoscalerRemoved = 5014;
    public const int QueuedMarkFailed = 5015;
}
