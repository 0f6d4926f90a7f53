namespace Platform.Workloads;

/// <summary>Knative's labels on a revision and on everything built for it, and the runtime contract's env names.</summary>
internal static class ServingLabels
{
    /// <summary>The Knative Service the revision belongs to.</summary>
    public const string Service = "serving.knative.dev/service";

    /// <summary>The Configuration that stamped the revision.</summary>
    public const string Configuration = "serving.knative.dev/configuration";

    /// <summary>The revision itself (the selector of its replicas).</summary>
    public const string Revision = "serving.knative.dev/revision";

    /// <summary>The revision's uid.</summary>
    public const string RevisionUid = "serving.knative.dev/revisionUID";

    /// <summary>
    /// The labels and annotation the serving-controller moves as routes start and stop sending a revision traffic
    /// (<c>serving.knative.dev/routingState</c>, <c>serving.knative.dev/route</c>,
    /// <c>serving.knative.dev/routingStateModified</c>): kept on the Revision, never copied onto its workload.
    /// </summary>
    public static readonly IReadOnlySet<string> RoutingMetadata = new HashSet<string>(StringComparer.Ordinal)
    {
        "serving.knative.dev/routingState",
        "serving.knative.dev/route",
        "serving.knative.dev/routingStateModified",
    };

    /// <summary>Env var: the port the user container must listen on.</summary>
    public const string PortEnv = "PORT";

    /// <summary>Env var: the Knative Service name.</summary>
    public const string ServiceEnv = "K_SERVICE";

    /// <summary>Env var: the Configuration name.</summary>
    public const string ConfigurationEnv = "K_CONFIGURATION";

    /// <summary>Env var: the revision name.</summary>
    public const string RevisionEnv = "K_REVISION";
}
