namespace Platform.Serving.Contracts.Stats;

/// <summary>
/// The autoscaler's intake: what the activator calls, through Dapr service invocation on app-id <see cref="AppId"/>.
/// Stats and pokes go by invocation rather than pub/sub: a poke must reach the decider in milliseconds, and a late
/// stat is worth no more than a missing one.
/// </summary>
public static class AutoscalerApi
{
    /// <summary>The autoscaler's Dapr app-id.</summary>
    public const string AppId = "autoscaler";

    /// <summary><c>POST</c> a JSON array of <see cref="RevisionStat"/>, every second.</summary>
    public const string Stats = "/stats";

    /// <summary><c>POST</c> when the first request is held for a revision at zero (optional <see cref="RevisionStat"/> body).</summary>
    public static string Poke(string ns, string revision) => $"/poke/{Uri.EscapeDataString(ns)}/{Uri.EscapeDataString(revision)}";
}
